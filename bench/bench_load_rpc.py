#!/usr/bin/env python3
"""Load on a real Odoo server with workers: helpdesk_mgmt alone and with helpdesk_sla_advanced.

    python3 bench/bench_load_rpc.py [--clients 16] [--tickets 5] [--seconds 60] [--workers 2]
                                    [--cron-threads 0] [--warmup 5] [--seed 1] [--calendar week]
                                    [--rounds 1] [--only plain|sla] [--reuse] [--keep-dbs]

Needs Odoo 19 (``import odoo``, its ``odoo-bin``), PostgreSQL and OCA ``helpdesk_mgmt``. For
each of two databases, ``sla_bench_load_plain`` (``helpdesk_mgmt`` only) and
``sla_bench_load_sla`` (``helpdesk_sla_advanced``), both without demo data, the script:

1. creates the database (drops it first), or with ``--reuse`` keeps it when it exists with
   the module installed (the tickets are new on each run), and sets up what a real helpdesk
   has: a team, an agent (internal user, helpdesk user group), a customer company with
   ``--customers`` contacts who have an e-mail address (default: one per ticket), and
   ``--tickets`` new open tickets assigned to the agent, spread over the contacts, each
   followed by its contact and the agent. (With ``--customers 1`` every ticket is from the
   same contact: Odoo itself then writes that contact's row on every notification it sends
   them (auth_signup), and those writes dominate the conflicts of both databases.)
   In the SLA database also a policy for the customer's tier, on a Europe/Paris working
   calendar, with first response, next response and resolution targets (faster for very
   high priority), helpdesk_mgmt's "Awaiting" stage as pause stage, and an escalation
   ladder. With ``--calendar week`` (the default) the calendar works every day
   00:00-24:00, so that the clocks run whenever the bench runs; ``business`` is Mon-Fri
   09-12/13-17 (clocks may stand still), ``always`` counts 24/7 without a calendar;
2. starts ``odoo-bin`` on it as a real server: ``--workers`` processes (prefork),
   ``--cron-threads`` cron workers (default 0: the figures are about requests), free ports,
   its log in ``/tmp/<db>.load.log`` (this script runs as ``odoo-bin``, so that the websocket
   process of the prefork server, unused here, idles instead of crash-looping where gevent
   cannot start: see ``serve_odoo``); waits until XML-RPC answers;
3. drives ``--clients`` threads, one ``xmlrpc.client.ServerProxy`` each, on the shared tickets
   for ``--warmup`` seconds (not counted: the workers load the registry and their caches),
   then for ``--seconds``: the plain database, then the SLA one; with ``--rounds N``, in N
   slices alternating the databases (plain, sla, sla, plain, ...: other load on the machine
   then weighs on both alike). Each client (random generator seeded with ``--seed``, its
   number and the round: the same choices for both databases) picks a ticket and an
   operation, weighted:

   ==========  ======  ===================================================================
   operation   weight  call
   ==========  ======  ===================================================================
   email         30    ``message_post`` as admin, author the customer contact,
                       ``message_type='email'``, ``mail.mt_comment`` (what the mail gateway
                       does with a customer's e-mail), author the ticket's contact
   reply         25    ``message_post`` as the agent, ``message_type='comment'``,
                       ``mail.mt_comment``
   stage         15    ``write`` of ``stage_id`` as the agent: New, In Progress or Awaiting,
                       and Done one time in ten (the next change reopens the ticket)
   priority      10    ``write`` of ``priority`` ('0' to '3') as the agent
   read          20    ``web_read`` as the agent of what the ticket form shows (with the SLA
                       fields and clocks in the SLA database)
   ==========  ======  ===================================================================

4. stops the servers (SIGTERM, SIGKILL of their process groups after 30 s; also on Ctrl-C,
   SIGTERM and errors) and reads their logs: the serialization conflicts Odoo retried (``odoo.service.model``
   "SERIALIZATION_FAILURE, 4 tries left, try again in ..." lines; also deadlocks and lock
   timeouts), the requests that gave up after 5 tries ("maximum number of tries reached"), the
   refusals (``odoo.http`` warnings) and the ERROR lines. Each retry is attributed to an
   operation from the ``call ...`` line the worker logged just before it (the server runs
   with ``--log-handler odoo.service.model:DEBUG``), and the failed statement behind it
   (``odoo.sql_db`` "bad query") is named;
5. drops the database, unless ``--keep-dbs``.

It prints, per database, a table per operation (calls, errors, conflicts, p50 and p95 latency),
the throughput (calls that ended within the ``--seconds`` window, per second), the conflicts
(per 1,000 calls, and the seconds the workers slept in Odoo's back-off before retrying), the
CPU used by the server, its PostgreSQL backends, the bench and anything else (with a warning
when other processes took more than 20% of the machine), the calls each worker served and
the seconds it slept in back-off, the errors the server returned and what its log says;
then the side-by-side summary: throughput sla/plain (goal >= 0.9x),
conflicts per call sla/plain (goal <= 1.5x) and errors (goal 0), each with PASS or FAIL.
Every error counted is a fault returned by the server; a failure of the client itself
(connection refused, timeout) is counted and printed apart, as "transport".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import xmlrpc.client
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import odoo_db

ROOT = Path(__file__).resolve().parent.parent
DATABASES = {"plain": "sla_bench_load_plain", "sla": "sla_bench_load_sla"}
MODULES = {"plain": "helpdesk_mgmt", "sla": "helpdesk_sla_advanced"}
OPERATIONS = {"email": 30, "reply": 25, "stage": 15, "priority": 10, "read": 20}
ADMIN_PASSWORD = "admin"
AGENT_LOGIN = "bench_agent"
AGENT_PASSWORD = "bench_agent_pw"
GOAL_THROUGHPUT = 0.9
GOAL_CONFLICTS = 1.5
KEEP_MESSAGES = 4  # distinct error messages kept per operation
# share of the machine's CPU taken by anything but the server, its database backends and the
# bench above which the figures are flagged (about 10% is the kernel, PostgreSQL's own processes
# and the other, idle, server on a quiet 2-core machine)
OTHER_LOAD = 0.2

SETUP = r"""
import json, sys
from odoo import api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2]])
mode, n_tickets, calendar_kind = sys.argv[3], int(sys.argv[4]), sys.argv[5]
agent_login, agent_password, admin_password = sys.argv[6:9]
n_customers = int(sys.argv[9])
registry = Registry(sys.argv[2])
with registry.cursor() as cr:
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    ref = env.ref
    def find_or_create(model, domain, vals):
        return env[model].with_context(active_test=False).search(domain, limit=1) or env[model].create(vals)
    admin = ref("base.user_admin")
    admin.password = admin_password
    agent = env["res.users"].with_context(active_test=False).search([("login", "=", agent_login)])
    if not agent:
        agent = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bench Agent", "login": agent_login, "email": "agent@bench.example.com",
            "tz": "Europe/Paris",
            "group_ids": [Command.set([ref("base.group_user").id,
                                       ref("helpdesk_mgmt.group_helpdesk_user").id])],
        })
    agent.write({"password": agent_password, "active": True})
    team = find_or_create("helpdesk.ticket.team", [("name", "=", "Bench support")], {
        "name": "Bench support", "user_id": admin.id, "user_ids": [Command.set((agent | admin).ids)]})
    company = find_or_create(
        "res.partner", [("name", "=", "Bench Customer Ltd"), ("is_company", "=", True)], {
        "name": "Bench Customer Ltd", "is_company": True, "email": "info@customer.example.com",
        "tz": "Europe/Paris"})
    contacts = [find_or_create(
        "res.partner", [("name", "=", f"Claire Customer {c + 1}"), ("parent_id", "=", company.id)], {
        "name": f"Claire Customer {c + 1}", "parent_id": company.id,
        "email": f"claire{c + 1}@customer.example.com", "tz": "Europe/Paris"}) for c in range(n_customers)]
    awaiting = ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
    sla = {}
    if mode == "sla":
        days = range(7) if calendar_kind == "week" else range(5)
        hours = ((0, 24),) if calendar_kind == "week" else ((9, 12), (13, 17))
        name = "Bench Paris (whole week)" if calendar_kind == "week" else "Bench Paris (Mon-Fri)"
        calendar = find_or_create("resource.calendar", [("name", "=", name)], {
            "name": name, "tz": "Europe/Paris",
            "attendance_ids": [Command.clear()] + [
                Command.create({"name": f"{d}: {h}-{t}", "dayofweek": str(d), "hour_from": h, "hour_to": t,
                                "day_period": "morning" if h < 12 else "afternoon"})
                for d in days for h, t in hours]})
        tier = find_or_create("helpdesk.sla.tier", [("name", "=", "Bench premium")],
                              {"name": "Bench premium"})
        company.sla_tier_id = tier
        policy_vals = {
            "calendar_mode": "always" if calendar_kind == "always" else "calendar",
            "resource_calendar_id": calendar.id,
        }
        policy = env["helpdesk.sla.policy"].search([("name", "=", "Bench premium support")])
        if policy and (policy.calendar_mode, policy.resource_calendar_id.id) != tuple(policy_vals.values()):
            policy.write(policy_vals)  # reused with another --calendar
        else:
            policy = env["helpdesk.sla.policy"].create(dict(
                policy_vals,
                name="Bench premium support", sequence=1, tier_ids=[Command.set(tier.ids)],
                pause_stage_ids=[Command.set(awaiting.ids)],
                target_ids=[
                    Command.create({"metric": "first_response", "contractual_hours": 2, "internal_hours": 1}),
                    Command.create({"metric": "first_response", "priority": "3", "contractual_hours": 1,
                                    "internal_hours": 0.5}),
                    Command.create({"metric": "next_response", "contractual_hours": 4, "internal_hours": 2}),
                    Command.create({"metric": "resolution", "contractual_hours": 16, "internal_hours": 12}),
                    Command.create({"metric": "resolution", "priority": "3", "contractual_hours": 8,
                                    "internal_hours": 6}),
                ],
                escalation_ids=[
                    Command.create({"name": "First answer due soon", "metric": "first_response",
                                    "sequence": 10, "trigger": "percent_contractual", "percent": 50,
                                    "action_ids": [Command.create({"action_type": "notify_assignee"})]}),
                    Command.create({"name": "First answer late", "metric": "first_response", "sequence": 20,
                                    "trigger": "after_deadline", "offset_hours": 0,
                                    "action_ids": [Command.create({"action_type": "notify_team_leader"})]}),
                    Command.create({"name": "Resolution reminder", "metric": "resolution", "sequence": 10,
                                    "trigger": "percent_internal", "percent": 75,
                                    "action_ids": [Command.create({"action_type": "notify_assignee"})]}),
                    Command.create({"name": "Resolution missed", "metric": "resolution", "sequence": 20,
                                    "trigger": "after_deadline", "offset_hours": 0,
                                    "action_ids": [
                                        Command.create({"action_type": "notify_team_leader"}),
                                        Command.create({"action_type": "raise_priority"})]}),
                ]))
        sla = {"policy": policy.display_name, "calendar": calendar.display_name,
               "calendar_mode": policy.calendar_mode, "targets": len(policy.target_ids),
               "ladder": len(policy.escalation_ids)}
    tickets = env["helpdesk.ticket"].create([{
        "name": f"Bench load {i + 1}: the printer is on fire", "description": "<p>It burns.</p>",
        "team_id": team.id, "user_id": agent.id, "partner_id": contacts[i % n_customers].id,
        "partner_name": contacts[i % n_customers].name, "partner_email": contacts[i % n_customers].email,
        "priority": "1", "channel_id": ref("helpdesk_mgmt.helpdesk_ticket_channel_email").id,
    } for i in range(n_tickets)])
    for ticket in tickets:
        ticket.message_subscribe(partner_ids=(ticket.partner_id | agent.partner_id).ids)
    if mode == "sla":
        sla["clocks"] = len(tickets.sla_status_ids)
        sla["policies"] = sorted(set(tickets.mapped("sla_policy_id.name")))
    cr.commit()
    print(json.dumps({
        "admin_uid": admin.id, "agent_uid": agent.id,
        "customers": {t.id: [t.partner_id.id, f'"{t.partner_id.name}" <{t.partner_id.email}>']
                      for t in tickets},
        "team_id": team.id, "ticket_ids": tickets.ids,
        "stages": {key: ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{key}").id
                   for key in ("new", "in_progress", "awaiting", "done")},
        "sla": sla,
    }))
"""

# what the ticket form reads (web_read specification), without and with the SLA layer
FORM_SPEC = {
    "number": {},
    "name": {},
    "description": {},
    "stage_id": {"fields": {"display_name": {}}},
    "team_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "partner_id": {"fields": {"display_name": {}}},
    "partner_name": {},
    "partner_email": {},
    "priority": {},
    "category_id": {"fields": {"display_name": {}}},
    "tag_ids": {"fields": {"display_name": {}}},
    "channel_id": {"fields": {"display_name": {}}},
    "company_id": {"fields": {"display_name": {}}},
    "closed": {},
    "last_stage_update": {},
    "assigned_date": {},
    "closed_date": {},
    "kanban_state": {},
    "duplicate_count": {},
    "display_name": {},
}
SLA_FORM_SPEC = {
    "sla_policy_id": {"fields": {"display_name": {}}},
    "sla_policy_reason": {},
    "sla_state": {},
    "sla_error": {},
    "sla_deadline_next": {},
    "sla_metric_next": {},
    "sla_time_left": {},
    "sla_paused": {},
    "sla_at_risk": {},
    "sla_breached": {},
    "sla_exempt": {},
    "sla_exempt_reason": {},
    "sla_start": {},
    "sla_policy_locked": {},
    # x2many lists come in pages, as the web client asks for them (40 lines)
    "sla_status_ids": {
        "limit": 40,
        "fields": {
            key: {}
            for key in (
                "internal_breached_at",
                "display_name",
                "cycle",
                "state",
                "deadline",
                "internal_deadline",
                "time_left",
                "working_hours",
                "paused_hours",
                "pause_reason",
                "reached_at",
                "error",
            )
        },
    },
    "sla_firing_ids": {
        "limit": 40,
        "fields": {
            "fired_at": {},
            "status_id": {"fields": {"display_name": {}}},
            "escalation_id": {"fields": {"display_name": {}}},
            "state": {},
            "due_at": {},
            "error": {},
        },
    },
    "sla_period_ids": {"limit": 40, "fields": {"display_name": {}}},
    "sla_attribution": {},
    # the Teams page: the team timeline and the OLA clocks
    "sla_visit_ids": {
        "limit": 40,
        "fields": {
            key: {}
            for key in (
                "sequence",
                "team_id",
                "date_start",
                "date_end",
                "pickup_state",
                "working_hours",
                "target_hours",
                "ownership_state",
                "time_left",
            )
        },
    },
    "ola_status_ids": {
        "limit": 40,
        "fields": {
            key: {}
            for key in (
                "display_name",
                "ola_id",
                "state",
                "deadline",
                "time_left",
                "working_hours",
                "reached_at",
            )
        },
    },
}


# ---------------------------------------------------------------- databases
def installed(db: str, module: str) -> bool:
    """Whether ``db`` exists with ``module`` installed (not a database left by a failed install)."""
    if not odoo_db.exists(db):
        return False
    query = f"SELECT state FROM ir_module_module WHERE name = '{module}'"
    out = subprocess.run(
        ["psql", *odoo_db._pg_args(), "-d", db, "-Atc", query], capture_output=True, text=True
    )
    return out.stdout.strip() == "installed"


def prepare(mode: str, args) -> tuple[Path, dict]:
    """The configuration of the database of ``mode``, created (or reused) and set up."""
    db = DATABASES[mode]
    config = odoo_db.write_config(db)
    if args.reuse and installed(db, MODULES[mode]):
        log(f"{db}: reused")
    else:
        log(f"{db}: installing {MODULES[mode]} (no demo data)")
        odoo_db.drop(db)
        odoo_db.install(config, db, MODULES[mode])
    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{os.environ.get('PYTHONPATH', '')}")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            SETUP,
            str(config),
            db,
            mode,
            str(args.tickets),
            args.calendar,
            AGENT_LOGIN,
            AGENT_PASSWORD,
            ADMIN_PASSWORD,
            str(args.customers or args.tickets),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"setting up {db} failed")
    return config, json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVE_ODOO = "SLA_BENCH_LOAD_SERVE_ODOO"  # set: this script runs as odoo-bin


def serve_odoo() -> None:
    """Run as ``odoo-bin``: the server's master and its workers.

    The prefork master also spawns ``sys.argv[0] gevent ...``, the websocket server, and spawns
    it again whenever it exits. Where gevent cannot start (on the machine this bench was written
    on, its plugins want a missing ``zope.interface``) that is a loop of Odoo imports eating a
    core. The bench makes no websocket connection: here that process just waits to be stopped.
    """
    if sys.argv[1:2] == ["gevent"]:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while True:
            time.sleep(3600)
    import odoo.cli

    odoo.cli.main()


class Server:
    """``odoo-bin`` with workers, in its own process group, stopped on exit whatever happens."""

    def __init__(self, config: Path, db: str, args, logfile: Path):
        self.config, self.db, self.args, self.logfile = config, db, args, logfile
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            sys.executable,
            str(Path(__file__).resolve()),  # as odoo-bin: see serve_odoo()
            "-c",
            str(self.config),
            "-d",
            self.db,
            f"--db-filter=^{self.db}$",
            f"--workers={self.args.workers}",
            f"--max-cron-threads={self.args.cron_threads}",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={free_port()}",
            f"--logfile={self.logfile}",
            "--log-level=warn",
            # the retries and, before each try, the call being made (to attribute the retries)
            "--log-handler=odoo.service.model:DEBUG",
            "--log-handler=odoo.service.server:INFO",
            # one deprecation warning per XML-RPC request
            "--log-handler=odoo.addons.rpc.controllers.xmlrpc:ERROR",
        ]

    def __enter__(self) -> Server:
        self.logfile.unlink(missing_ok=True)
        env = dict(os.environ, PYTHONPATH=f"{ROOT}:{os.environ.get('PYTHONPATH', '')}", **{SERVE_ODOO: "1"})
        self.proc = subprocess.Popen(
            self.command(),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the bench, which stops the server itself
        )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_ready(self, timeout: float = 180) -> None:
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"odoo-bin exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                common.version()
                return
            except (OSError, xmlrpc.client.ProtocolError) as exc:
                if time.monotonic() > deadline:
                    tail = self.log_tail()
                    raise SystemExit(f"odoo-bin does not answer after {timeout:.0f} s:\n{tail}") from exc
                time.sleep(0.5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 30) -> None:
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            self.proc.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        finally:
            try:  # workers left behind, or a master that did not stop
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()


# ---------------------------------------------------------------- CPU
def cpu_sample(server_pid: int, db: str) -> dict | None:
    """CPU seconds so far of the server's processes, of the PostgreSQL backends of ``db``, of
    this process, and the machine's busy and total CPU seconds (None without psutil)."""
    try:
        import psutil
    except ImportError:
        return None

    def used(proc) -> float:
        try:
            times = proc.cpu_times()
            return times.user + times.system
        except psutil.Error:
            return 0.0

    try:
        master = psutil.Process(server_pid)
        server = {p.pid: used(p) for p in [master, *master.children(recursive=True)]}
    except psutil.Error:
        server = {}
    backends = {}
    for proc in psutil.process_iter(["cmdline"]):
        title = " ".join(proc.info["cmdline"] or ())
        if title.startswith("postgres:") and f" {db} " in title:
            backends[proc.pid] = used(proc)
    machine = psutil.cpu_times()
    idle = machine.idle + getattr(machine, "iowait", 0.0)
    total = sum(machine) - getattr(machine, "guest", 0.0) - getattr(machine, "guest_nice", 0.0)  # in user
    me = os.times()
    return {
        "server": server,
        "postgres": backends,
        "client": me.user + me.system,
        "busy": total - idle,
        "total": total,
    }


def cpu_used(before: dict | None, after: dict | None) -> dict | None:
    """CPU seconds between two samples (processes that ended in between are not counted)."""
    if not before or not after:
        return None
    return {
        "server": sum(t - before["server"].get(pid, 0.0) for pid, t in after["server"].items()),
        "postgres": sum(t - before["postgres"].get(pid, 0.0) for pid, t in after["postgres"].items()),
        "client": after["client"] - before["client"],
        "machine_busy": (after["busy"] - before["busy"]) / max(after["total"] - before["total"], 1e-9),
    }


# ---------------------------------------------------------------- load
class Stats:
    def __init__(self):
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, Counter] = defaultdict(Counter)
        self.transport: dict[str, Counter] = defaultdict(Counter)
        self.in_window = 0  # calls that ended before the end of the measured window
        self.lock = threading.Lock()

    def merge(self, other: Stats) -> None:
        with self.lock:
            for op, values in other.latencies.items():
                self.latencies[op] += values
            for op, counter in other.errors.items():
                self.errors[op].update(counter)
            for op, counter in other.transport.items():
                self.transport[op].update(counter)
            self.in_window += other.in_window


def fault_message(fault: xmlrpc.client.Fault) -> str:
    """The message of a server fault: a UserError's text, or the last line of a traceback."""
    text = (fault.faultString or "").strip()
    if fault.faultCode == 1 and "Traceback" in text:
        text = text.splitlines()[-1]
    return " ".join(text.split())[:300]


class Client:
    def __init__(self, index: int, url: str, db: str, setup: dict, mode: str, seed: int):
        self.proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
        self.db, self.setup = db, setup
        self.rng = random.Random(seed * 1000 + index)
        self.spec = dict(FORM_SPEC, **SLA_FORM_SPEC) if mode == "sla" else FORM_SPEC
        self.index = index

    def call(self, as_admin: bool, model: str, method: str, args: list, kwargs: dict):
        if as_admin:
            uid, password = self.setup["admin_uid"], ADMIN_PASSWORD
        else:
            uid, password = self.setup["agent_uid"], AGENT_PASSWORD
        return self.proxy.execute_kw(self.db, uid, password, model, method, args, kwargs)

    def operation(self, op: str, ticket: int, serial: int) -> None:
        stages = self.setup["stages"]
        if op == "email":
            self.call(
                True,
                "helpdesk.ticket",
                "message_post",
                [[ticket]],
                {
                    "body": f"Any news? (customer e-mail {self.index}-{serial})",
                    "subject": "Re: the printer is on fire",
                    "message_type": "email",
                    "subtype_xmlid": "mail.mt_comment",
                    "author_id": self.setup["customers"][str(ticket)][0],
                    "email_from": self.setup["customers"][str(ticket)][1],
                },
            )
        elif op == "reply":
            self.call(
                False,
                "helpdesk.ticket",
                "message_post",
                [[ticket]],
                {
                    "body": f"We are on it. (agent reply {self.index}-{serial})",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            )
        elif op == "stage":
            if self.rng.random() < 0.1:
                stage = stages["done"]
            else:
                stage = stages[self.rng.choices(["new", "in_progress", "awaiting"], [1, 3, 2])[0]]
            self.call(False, "helpdesk.ticket", "write", [[ticket], {"stage_id": stage}], {})
        elif op == "priority":
            priority = self.rng.choice("0123")
            self.call(False, "helpdesk.ticket", "write", [[ticket], {"priority": priority}], {})
        elif op == "read":
            self.call(False, "helpdesk.ticket", "web_read", [[ticket]], {"specification": self.spec})

    def run(self, stats: Stats, start: threading.Barrier, window: dict) -> None:
        mine = Stats()
        ops, weights = list(OPERATIONS), list(OPERATIONS.values())
        tickets = self.setup["ticket_ids"]
        start.wait()
        deadline = window["end"]
        serial = 0
        while time.perf_counter() < deadline:
            op = self.rng.choices(ops, weights)[0]
            ticket = self.rng.choice(tickets)
            serial += 1
            began, transport_error = time.perf_counter(), False
            try:
                self.operation(op, ticket, serial)
            except xmlrpc.client.Fault as fault:
                mine.errors[op][fault_message(fault)] += 1
            except Exception as exc:  # the client or the network, not an answer of the server
                mine.transport[op][f"{type(exc).__name__}: {exc}"[:300]] += 1
                transport_error = True
            ended = time.perf_counter()
            mine.latencies[op].append(ended - began)
            mine.in_window += ended <= deadline
            if transport_error:
                time.sleep(0.2)  # no busy loop on a server that is gone
        stats.merge(mine)


def run_load(
    url: str, db: str, setup: dict, mode: str, args, seconds: float, seed: int
) -> tuple[Stats, float]:
    """``args.clients`` clients started together for ``seconds``; the stats and the time until the
    last call ended (the calls under way at the end of the window finish and are counted, but
    not in the throughput)."""
    stats = Stats()
    clients = [Client(i, url, db, setup, mode, seed) for i in range(args.clients)]
    window = {}

    def open_window():
        window["start"] = time.perf_counter()
        window["end"] = window["start"] + seconds

    barrier = threading.Barrier(args.clients, action=open_window)
    threads = [
        threading.Thread(target=client.run, args=(stats, barrier, window), daemon=True) for client in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats, time.perf_counter() - window["start"]


# ---------------------------------------------------------------- server log
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (\d+) (\w+) (\S+) ([\w.]+): (.*)$")
RETRY = re.compile(r"^(\S+), (\d+) tries left, try again in ([\d.]+) sec")
GAVE_UP = re.compile(r"^(\S+), maximum number of tries reached")
CALL = re.compile(r"^call helpdesk\.ticket\([^)]*\)\.(\w+)\((.*)$")
STATEMENT = re.compile(r"\b(UPDATE|INSERT INTO|DELETE FROM|FROM)\s+\"?(\w+)")
CONCURRENCY = ("could not serialize access", "deadlock detected", "could not obtain lock", "lock timeout")


def call_operation(method: str, params: str) -> str:
    """The bench operation of a ``call ...`` line of odoo.service.model."""
    if method == "message_post":
        return "email" if "message_type='email'" in params else "reply"
    if method == "write":
        return "stage" if "'stage_id'" in params else "priority"
    if method == "web_read":
        return "read"
    return "other"


def log_records(path: Path, offset: int):
    """``(pid, level, logger, message, continuation lines)`` of the log after ``offset``."""
    with path.open(errors="replace") as log_file:
        log_file.seek(offset)
        lines = log_file.read().splitlines()
    record = None
    for line in lines:
        match = RECORD.match(line)
        if match:
            if record:
                yield record
            pid, level, _db, logger, message = match.groups()
            record = (pid, level, logger, message.strip(), [])
        elif record and line.strip():
            record[4].append(line.strip())
    if record:
        yield record


def bad_query(message: str, more: list[str]) -> tuple[str, str]:
    """``("UPDATE res_partner", "could not serialize access ...")`` of an odoo.sql_db error."""
    match = STATEMENT.search(message)
    statement = ""
    if match:
        verbs = {"FROM": "SELECT", "INSERT INTO": "INSERT", "DELETE FROM": "DELETE"}
        statement = f"{verbs.get(match.group(1), match.group(1))} {match.group(2)}"
    error = next((line[len("ERROR:") :].strip() for line in more if line.startswith("ERROR:")), "")
    return statement, error


def parse_log(path: Path, offset: int) -> dict:
    """Conflicts, give-ups, refusals and errors the server logged after ``offset``."""
    result = {
        "retries": Counter(),  # kind -> count (SERIALIZATION_FAILURE, DEADLOCK_DETECTED, ...)
        "retries_by_op": Counter(),
        "backoff": 0.0,  # seconds the workers slept before retrying
        "tries_by_pid": Counter(),  # worker pid -> calls tried (a retried call once per try)
        "retries_by_pid": Counter(),
        "backoff_by_pid": Counter(),
        "conflict_sites": Counter(),  # "operation: statement table: error" of the failed queries
        "gave_up": Counter(),
        "refusals": Counter(),  # odoo.http warnings: UserError, ValidationError, AccessError
        "errors": Counter(),  # other ERROR and CRITICAL records
        "warnings": Counter(),  # other WARNING records
    }
    last_call: dict[str, str] = {}  # worker pid -> operation of its current call
    for pid, level, logger, message, more in log_records(path, offset):
        op = last_call.get(pid, "other")
        if logger == "odoo.service.model":
            if call := CALL.match(message):
                last_call[pid] = call_operation(*call.groups())
                result["tries_by_pid"][pid] += 1
            elif retry := RETRY.match(message):
                result["retries"][retry.group(1)] += 1
                result["retries_by_op"][op] += 1
                result["backoff"] += float(retry.group(3))
                result["retries_by_pid"][pid] += 1
                result["backoff_by_pid"][pid] += float(retry.group(3))
            elif gave_up := GAVE_UP.match(message):
                result["gave_up"][f"{op}: {gave_up.group(1)}"] += 1
            continue
        if logger == "odoo.sql_db" and message.startswith("bad query"):
            statement, error = bad_query(message, more)
            if error.startswith(CONCURRENCY):
                result["conflict_sites"][f"{op}: {statement}: {error}"] += 1
            else:
                result["errors"][f"{op}: failed {statement}: {error}"] += 1
        elif level in ("ERROR", "CRITICAL"):
            last = f" ... {more[-1]}" if more else ""
            result["errors"][f"{op}: {logger}: {' '.join(message.split())[:200]}{last[:200]}"] += 1
        elif level == "WARNING" and logger == "odoo.http":
            result["refusals"][f"{op}: {' '.join(message.split())[:200]}"] += 1
        elif level == "WARNING":
            result["warnings"][f"{logger}: {' '.join(message.split())[:200]}"] += 1
    return result


# ---------------------------------------------------------------- report
def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def summarize(stats: Stats, seconds: float, elapsed: float, server_log: dict) -> dict:
    calls = sum(len(v) for v in stats.latencies.values())
    conflicts = sum(server_log["retries"].values())
    return {
        "calls": calls,
        "errors": sum(sum(c.values()) for c in stats.errors.values()),
        "transport": sum(sum(c.values()) for c in stats.transport.values()),
        "in_window": stats.in_window,
        "seconds": seconds,
        "elapsed": elapsed,
        "rate": stats.in_window / seconds,
        "conflicts": conflicts,
        "per_1000": conflicts * 1000 / calls if calls else 0.0,
        "gave_up": sum(server_log["gave_up"].values()),
        "backoff": server_log["backoff"],
    }


def print_counter(title: str, counter: Counter, limit: int = KEEP_MESSAGES) -> None:
    if not counter:
        return
    print(f"{title}: {sum(counter.values())}")
    for message, count in counter.most_common(limit):
        print(f"  {count} x {message}")
    if len(counter) > limit:
        print(f"  ... and {len(counter) - limit} other messages")


def print_database(db: str, stats: Stats, server_log: dict, totals: dict, extra: dict) -> None:
    print(f"## {db}")
    print()
    columns = ("calls", "errors", "conflicts", "p50 ms", "p95 ms")
    header = f"| {'operation':9} | " + " | ".join(f"{c:>7}" for c in columns) + " |"
    print(header)
    print("|" + "|".join("-" * len(cell) for cell in header.split("|")[1:-1]) + "|")
    for op in [*OPERATIONS, "other"]:
        values = stats.latencies.get(op, [])
        if not values and not server_log["retries_by_op"].get(op):
            continue
        print(
            f"| {op:9} | {len(values):7} | {sum(stats.errors[op].values()):7} "
            f"| {server_log['retries_by_op'][op]:9} "
            f"| {percentile(values, 0.5) * 1e3:7.0f} | {percentile(values, 0.95) * 1e3:7.0f} |"
        )
    all_values = [v for values in stats.latencies.values() for v in values]
    print(
        f"| {'all':9} | {totals['calls']:7} | {totals['errors']:7} "
        f"| {totals['conflicts']:9} | {percentile(all_values, 0.5) * 1e3:7.0f} "
        f"| {percentile(all_values, 0.95) * 1e3:7.0f} |"
    )
    print()
    kinds = ", ".join(f"{kind} {count}" for kind, count in server_log["retries"].most_common()) or "none"
    print(
        f"throughput: {totals['in_window']} calls ended in the {totals['seconds']:g} s window = "
        f"{totals['rate']:.1f} calls/s ({totals['calls'] - totals['in_window']} more under way at its "
        f"end, all done after {totals['elapsed']:.1f} s)"
    )
    print(
        f"conflicts retried by the server: {totals['conflicts']} ({kinds}) = "
        f"{totals['per_1000']:.1f} per 1,000 calls; gave up after 5 tries: {totals['gave_up']}; "
        f"workers slept {totals['backoff']:.1f} s in back-off before the retries"
    )
    cpu = extra["cpu"]
    if cpu:
        others = cpu["machine_busy"] * os.cpu_count() * totals["elapsed"] - sum(
            cpu[key] for key in ("server", "postgres", "client")
        )
        print(
            f"CPU over the {totals['elapsed']:.1f} s: server (master and workers) {cpu['server']:.1f} s, "
            f"PostgreSQL backends of the database {cpu['postgres']:.1f} s, bench clients "
            f"{cpu['client']:.1f} s, anything else about {max(others, 0):.1f} s; the machine's "
            f"{os.cpu_count()} cores were {cpu['machine_busy']:.0%} busy"
        )
        if others > OTHER_LOAD * os.cpu_count() * totals["elapsed"]:
            print(
                f"WARNING: other processes took more than {OTHER_LOAD:.0%} of the machine: "
                "the figures are not reliable"
            )
    workers = ", ".join(
        f"{pid} served {tries - server_log['retries_by_pid'][pid]} calls and slept "
        f"{server_log['backoff_by_pid'][pid]:.1f} s"
        for pid, tries in sorted(server_log["tries_by_pid"].items())
    )
    print(f"workers (pid): {workers or 'no call logged'}")
    print(f"transport errors (client side): {totals['transport']}")
    for title, per_op in (
        ("errors returned by the server", stats.errors),
        ("transport errors (client side)", stats.transport),
    ):
        print_counter(
            title, Counter({f"{op}: {message}": n for op in per_op for message, n in per_op[op].items()}), 8
        )
    print_counter(
        "failed statements behind the conflicts (operation: statement: error)",
        server_log["conflict_sites"],
        8,
    )
    print_counter("gave up (server log)", server_log["gave_up"])
    print_counter("refusals logged by odoo.http", server_log["refusals"])
    print_counter("other ERROR records in the server log", server_log["errors"])
    print_counter("other WARNING records in the server log", server_log["warnings"])
    print()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_summary(plain: dict, sla: dict) -> None:
    print("## helpdesk_sla_advanced against helpdesk_mgmt alone")
    print()
    print(f"| {'measure':28} | {'plain':>10} | {'sla':>10} | {'sla/plain':>10} | {'goal':>8} | result |")
    print(f"|{'-' * 30}|{'-' * 12}|{'-' * 12}|{'-' * 12}|{'-' * 10}|--------|")
    ratio = sla["rate"] / plain["rate"] if plain["rate"] else float("nan")
    print(
        f"| {'throughput (calls/s)':28} | {plain['rate']:10.1f} | {sla['rate']:10.1f} | {ratio:9.2f}x "
        f"| {'>= 0.9x':>8} | {verdict(ratio >= GOAL_THROUGHPUT):6} |"
    )
    if plain["per_1000"]:
        conflict_ratio = sla["per_1000"] / plain["per_1000"]
        ratio_text, ok, note = f"{conflict_ratio:9.2f}x", conflict_ratio <= GOAL_CONFLICTS, ""
    else:
        ratio_text, ok = f"{'-':>10}", sla["per_1000"] == 0
        note = "plain had none" + ("" if ok else "; the SLA database had some")
    print(
        f"| {'conflicts per 1,000 calls':28} | {plain['per_1000']:10.1f} | {sla['per_1000']:10.1f} "
        f"| {ratio_text} | {'<= 1.5x':>8} | {verdict(ok):6} |"
    )
    for key, label in (("errors", "errors (server faults)"), ("transport", "transport errors")):
        print(
            f"| {label:28} | {plain[key]:10} | {sla[key]:10} | {'':10} | {'0':>8} "
            f"| {verdict(sla[key] == 0 and plain[key] == 0):6} |"
        )
    if note:
        print(f"\nconflicts: {note}.")
    if plain["errors"] or plain["transport"]:
        print("\nhelpdesk_mgmt alone had errors too: see its table; they are not the SLA layer's.")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--tickets", type=int, default=5, help="shared tickets (default 5)")
    parser.add_argument(
        "--customers",
        type=int,
        default=0,
        help="customer contacts the tickets are spread over (default: one per ticket; 1: every ticket "
        "from the same contact, where helpdesk_mgmt's own writes to that contact on every "
        "notification dominate the conflicts of both databases)",
    )
    parser.add_argument("--seconds", type=float, default=60, help="measured load (default 60)")
    parser.add_argument("--warmup", type=float, default=5, help="load before measuring (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="HTTP worker processes (default 2)")
    parser.add_argument("--cron-threads", type=int, default=0, help="cron workers (default 0)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the clients' choices (default 1)")
    parser.add_argument(
        "--calendar",
        choices=["week", "business", "always"],
        default="week",
        help="SLA working hours: every day 00-24 (default), Mon-Fri 09-12/13-17, or 24/7 mode",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="split the measured time into rounds alternating the databases (plain, sla, sla, plain, "
        "...), so that other load on the machine weighs on both alike (default 1: one after the other)",
    )
    parser.add_argument("--only", choices=list(DATABASES), help="measure one database only")
    parser.add_argument("--reuse", action="store_true", help="keep the databases that exist (new tickets)")
    parser.add_argument("--keep-dbs", action="store_true", help="do not drop the databases at the end")
    args = parser.parse_args()
    if not odoo_db.odoo_importable():
        return 2
    if args.workers < 1:
        parser.error("--workers must be at least 1: the point is a prefork server")
    # a kill of the bench stops its servers too (Ctrl-C does, as KeyboardInterrupt)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    modes = [args.only] if args.only else list(DATABASES)
    try:
        runs = measure(modes, args)
    finally:
        if not args.keep_dbs:
            for mode in modes:
                odoo_db.drop(DATABASES[mode])
    print(
        f"Load over XML-RPC on odoo-bin with workers, {datetime.now():%Y-%m-%d %H:%M}: "
        f"{os.cpu_count()} cores, {args.workers} workers, {args.cron_threads} cron workers, "
        f"{args.clients} clients, {args.tickets} shared tickets of {args.customers or args.tickets} "
        f"customer contacts, {args.seconds:g} s measured "
        + (f"in {args.rounds} rounds alternating the databases " if args.rounds > 1 else "")
        + f"after {args.warmup:g} s of warm-up, seed {args.seed}"
    )
    print(
        "operations (weight): "
        + ", ".join(f"{op} {weight}" for op, weight in OPERATIONS.items())
        + f"; SLA calendar: {args.calendar}"
    )
    print()
    for mode, run in runs.items():
        print_database(DATABASES[mode], run["stats"], run["log"], run["totals"], run)
        print(f"(server log: /tmp/{DATABASES[mode]}.load.log)")
        print()
    if len(runs) == 2:
        print_summary(runs["plain"]["totals"], runs["sla"]["totals"])
    return 0


def measure(modes: list[str], args) -> dict:
    """Prepare the databases, start their servers and load them, ``args.rounds`` times each
    (alternating, ABBA); the merged figures of each database."""
    servers = {}
    runs = {
        mode: {"stats": Stats(), "log": None, "elapsed": 0.0, "cpu": None, "setup": None} for mode in modes
    }
    for mode in modes:
        runs[mode]["config"], runs[mode]["setup"] = prepare(mode, args)
        if mode == "sla":
            log(f"{DATABASES[mode]}: SLA set-up {runs[mode]['setup']['sla']}")
    with contextlib.ExitStack() as stack:
        for mode in modes:
            db = DATABASES[mode]
            log(f"{db}: starting odoo-bin --workers={args.workers} --max-cron-threads={args.cron_threads}")
            logfile = Path(f"/tmp/{db}.load.log")
            servers[mode] = stack.enter_context(Server(runs[mode]["config"], db, args, logfile))
            log(f"{db}: server up at {servers[mode].url}; warm-up {args.warmup:g} s")
            if args.warmup > 0:
                run_load(
                    servers[mode].url, db, runs[mode]["setup"], mode, args, args.warmup, args.seed + 7919
                )
        seconds = args.seconds / args.rounds
        for round_ in range(args.rounds):
            for mode in modes if round_ % 2 == 0 else modes[::-1]:
                db, server, run = DATABASES[mode], servers[mode], runs[mode]
                offset = server.logfile.stat().st_size
                before = cpu_sample(server.proc.pid, db)
                log(f"{db}: {args.clients} clients on {args.tickets} tickets for {seconds:g} s")
                seed = args.seed + round_ * 104729  # the same choices for both databases
                stats, elapsed = run_load(server.url, db, run["setup"], mode, args, seconds, seed)
                used = cpu_used(before, cpu_sample(server.proc.pid, db))
                run["stats"].merge(stats)
                run["elapsed"] += elapsed
                run["log"] = merge_logs(run["log"], parse_log(server.logfile, offset))
                run["cpu"] = used if run["cpu"] is None else {k: run["cpu"][k] + used[k] for k in used}
    for run in runs.values():
        if run["cpu"]:
            run["cpu"]["machine_busy"] /= args.rounds  # the mean of the rounds' shares
        run["totals"] = summarize(run["stats"], args.seconds, run["elapsed"], run["log"])
    return runs


def merge_logs(total: dict | None, part: dict) -> dict:
    if total is None:
        return part
    for key, value in part.items():
        if isinstance(value, Counter):
            total[key].update(value)
        else:
            total[key] += value
    return total


if __name__ == "__main__":
    if os.environ.get(SERVE_ODOO):
        sys.exit(serve_odoo())
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: the server was stopped", file=sys.stderr)
        sys.exit(130)
