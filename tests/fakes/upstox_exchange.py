"""The matching engine behind the fake Upstox server: orders with Upstox's lower-case lifecycle,
trades, net positions, and multi-leg GTTs (OCO, LIMIT-on-trigger, trailing_gap).

Pure state, no I/O: the server calls it under a lock and forwards the events it returns.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import time
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from core.clock import to_ist

FINAL_ORDER = {"complete", "rejected", "cancelled"}
FINAL_RULE = {"COMPLETED", "CANCELLED", "FAILED", "EXPIRED"}


@dataclass
class Instrument:
    key: str
    symbol: str
    ltp: Decimal
    tick: Decimal = Decimal("0.05")
    lot: int = 1
    lower: Decimal | None = None
    upper: Decimal | None = None


@dataclass
class Exchange:
    clock: Any
    mis_cutoff: str = "15:15"
    instruments: dict[str, Instrument] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    trades: list[dict[str, Any]] = field(default_factory=list)
    gtts: dict[str, dict[str, Any]] = field(default_factory=dict)
    positions: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _seq: Any = field(default_factory=lambda: itertools.count(1))

    # --- helpers -----------------------------------------------------------------------------
    def _stamp(self) -> str:
        return to_ist(self.clock.now()).strftime("%Y-%m-%d %H:%M:%S")

    def _new_id(self) -> str:
        return f"{to_ist(self.clock.now()):%y%m%d}{next(self._seq):09d}"

    def _emit(self, order: dict[str, Any]) -> None:
        snap = dict(order)
        self.history[order["order_id"]].append(snap)
        self.events.append(("order", snap))

    def validate(self, body: dict[str, Any]) -> tuple[str, str] | None:
        """(error code, message) for a place request that Upstox would refuse outright."""
        if body.get("order_type") not in {"MARKET", "LIMIT", "SL", "SL-M"}:
            return "UDAPI1056", "Invalid order type"
        if body.get("validity") not in {"DAY", "IOC"}:
            return "UDAPI1055", "Invalid validity"
        if body.get("product") not in {"I", "D", "MTF"}:
            return "UDAPI100036", "Invalid product"
        inst = self.instruments.get(body.get("instrument_token", ""))
        if inst is None:
            return "UDAPI1087", "Invalid instrument_token"
        qty = int(body.get("quantity") or 0)
        if qty <= 0 or qty % inst.lot:
            return "UDAPI100036", f"Quantity should be a multiple of lot size {inst.lot}"
        for name in ("price", "trigger_price"):
            px = Decimal(str(body.get(name) or 0))
            if px and (px / inst.tick) % 1:
                return "UDAPI100036", f"{name} {px} is not a multiple of tick size {inst.tick}"
        return None

    def _rms(self, body: dict[str, Any], inst: Instrument) -> str | None:
        for name in ("price", "trigger_price"):
            px = Decimal(str(body.get(name) or 0))
            if px and ((inst.lower and px < inst.lower) or (inst.upper and px > inst.upper)):
                return (f"RMS:Rule: Check circuit limit including square off order exceeds : "
                        f"{name} {px} outside {inst.lower}-{inst.upper}")
        hh, mm = (int(x) for x in self.mis_cutoff.split(":"))
        if body.get("product") == "I" and to_ist(self.clock.now()).time() >= time(hh, mm):
            return "RMS:Rule: Intraday orders are not allowed after the square-off time"
        return None

    # --- orders ------------------------------------------------------------------------------
    def place(self, body: dict[str, Any], ref: str | None = None) -> str:
        inst = self.instruments[body["instrument_token"]]
        oid = self._new_id()
        order = {
            "order_id": oid, "exchange": inst.key.split("_")[0], "product": body["product"],
            "price": float(body.get("price") or 0), "quantity": int(body["quantity"]),
            "status": "put order req received", "tag": body.get("tag"),
            "instrument_token": inst.key, "trading_symbol": inst.symbol,
            "tradingsymbol": inst.symbol, "order_type": body["order_type"],
            "validity": body.get("validity", "DAY"),
            "trigger_price": float(body.get("trigger_price") or 0),
            "disclosed_quantity": 0, "transaction_type": body["transaction_type"],
            "average_price": 0.0, "filled_quantity": 0, "pending_quantity": int(body["quantity"]),
            "status_message": None, "status_message_raw": None, "exchange_order_id": None,
            "parent_order_id": None, "variety": "SIMPLE", "order_timestamp": self._stamp(),
            "exchange_timestamp": None, "is_amo": False, "order_ref_id": ref,
            "placed_by": "FAKE", "guid": oid, "order_request_id": "1",
        }
        self.orders[oid], self.history[oid] = order, []
        self._emit(order)
        order["status"] = "validation pending"
        self._emit(order)
        reason = self._rms(body, inst)
        if reason:
            order["status"], order["status_message"] = "rejected", reason
            order["status_message_raw"] = reason
            self._emit(order)
            return oid
        order["status"] = "trigger pending" if body["order_type"] in ("SL", "SL-M") else "open"
        order["exchange_order_id"] = f"X{oid}"
        self._emit(order)
        self._match_order(order, inst)
        return oid

    def modify(self, oid: str, body: dict[str, Any]) -> None:
        order = self.orders[oid]
        for name in ("price", "trigger_price"):
            if body.get(name) is not None:
                order[name] = float(body[name])
        if body.get("quantity") is not None:
            order["quantity"] = int(body["quantity"])
            order["pending_quantity"] = order["quantity"] - order["filled_quantity"]
        if body.get("order_type"):
            order["order_type"] = body["order_type"]
        self._emit(order)
        self._match_order(order, self.instruments[order["instrument_token"]])

    def cancel(self, oid: str) -> None:
        order = self.orders[oid]
        order["status"], order["pending_quantity"] = "cancelled", 0
        order["status_message"] = "Cancelled by user"
        self._emit(order)

    def _match_order(self, order: dict[str, Any], inst: Instrument) -> None:
        if order["status"] in FINAL_ORDER:
            return
        ltp, side = inst.ltp, order["transaction_type"]
        kind = order["order_type"]
        if order["status"] == "trigger pending":
            trig = Decimal(str(order["trigger_price"]))
            if (side == "SELL" and ltp > trig) or (side == "BUY" and ltp < trig):
                return
            if kind == "SL-M":
                self._fill(order, ltp)
                return
            order["status"] = "open"  # SL: now a resting limit
            self._emit(order)
        if kind in ("MARKET", "SL-M"):
            self._fill(order, ltp)
            return
        limit = Decimal(str(order["price"]))
        if (side == "BUY" and ltp <= limit) or (side == "SELL" and ltp >= limit):
            self._fill(order, limit if order["status"] == "open" else ltp)

    def _fill(self, order: dict[str, Any], price: Decimal) -> None:
        qty = order["pending_quantity"]
        order.update(status="complete", filled_quantity=order["quantity"], pending_quantity=0,
                     average_price=float(price), exchange_timestamp=self._stamp())
        trade = {
            "exchange": order["exchange"], "product": order["product"],
            "trading_symbol": order["trading_symbol"], "tradingsymbol": order["trading_symbol"],
            "instrument_token": order["instrument_token"], "order_type": order["order_type"],
            "transaction_type": order["transaction_type"], "quantity": qty,
            "exchange_order_id": order["exchange_order_id"], "order_id": order["order_id"],
            "exchange_timestamp": self._stamp(), "average_price": float(price),
            "trade_id": f"{next(self._seq):08d}", "order_ref_id": order["order_ref_id"],
            "order_timestamp": order["order_timestamp"],
        }
        self.trades.append(trade)
        self._book(order, qty, price)
        self._emit(order)

    def _book(self, order: dict[str, Any], qty: int, price: Decimal) -> None:
        key = (order["instrument_token"], order["product"])
        pos = self.positions.setdefault(key, {"quantity": 0, "average_price": Decimal(0)})
        signed = qty if order["transaction_type"] == "BUY" else -qty
        if pos["quantity"] == 0 or (pos["quantity"] > 0) == (signed > 0):
            total = abs(pos["quantity"]) + qty
            held = pos["average_price"] * abs(pos["quantity"])
            pos["average_price"] = (held + price * qty) / total
        pos["quantity"] += signed

    # --- market ------------------------------------------------------------------------------
    def set_price(self, key: str, ltp: Decimal) -> None:
        inst = self.instruments[key]
        inst.ltp = ltp
        for order in list(self.orders.values()):
            if order["instrument_token"] == key:
                self._match_order(order, inst)
        for gtt in list(self.gtts.values()):
            if gtt["instrument_token"] == key:
                self._step_gtt(gtt, inst)

    # --- GTT ---------------------------------------------------------------------------------
    def place_gtt(self, body: dict[str, Any]) -> str:
        gid = f"GTT-C{to_ist(self.clock.now()):%y%m%d}{next(self._seq):08d}"
        micros = int(self.clock.now().timestamp() * 1_000_000)
        entry_side = body["transaction_type"]
        exit_side = "SELL" if entry_side == "BUY" else "BUY"
        rules = []
        for r in body["rules"]:
            rule = {"strategy": r["strategy"], "trigger_type": r["trigger_type"],
                    "trigger_price": float(r["trigger_price"]),
                    "trailing_gap": r.get("trailing_gap"), "order_id": None, "message": None,
                    "transaction_type": entry_side if r["strategy"] == "ENTRY" else exit_side,
                    "status": "SCHEDULED" if r["strategy"] == "ENTRY" else "PENDING"}
            rules.append(rule)
        gtt = {"gtt_order_id": gid, "type": body["type"], "quantity": int(body["quantity"]),
               "product": body["product"], "instrument_token": body["instrument_token"],
               "trading_symbol": self.instruments[body["instrument_token"]].symbol,
               "exchange": body["instrument_token"].split("|")[0], "rules": rules,
               "created_at": micros, "expires_at": micros + 365 * 86400 * 1_000_000}
        self.gtts[gid] = gtt
        self._step_gtt(gtt, self.instruments[gtt["instrument_token"]])
        return gid

    def rule(self, gtt: dict[str, Any], strategy: str) -> dict[str, Any] | None:
        return next((r for r in gtt["rules"] if r["strategy"] == strategy), None)

    def _step_gtt(self, gtt: dict[str, Any], inst: Instrument) -> None:
        for _ in range(3):  # a fill can arm the next legs within the same price
            before = [dict(r) for r in gtt["rules"]]
            self._step_entry(gtt, inst)
            self._step_exits(gtt, inst)
            if before == gtt["rules"]:
                break
            self.events.append(("gtt_order", dict(gtt)))

    def _step_entry(self, gtt: dict[str, Any], inst: Instrument) -> None:
        entry = self.rule(gtt, "ENTRY")
        if entry is None:
            return
        if entry["status"] == "SCHEDULED" and _crossed(entry, inst.ltp):
            self._trigger(gtt, entry, inst)
        if entry["status"] == "TRIGGERED":
            order = self.orders[entry["order_id"]]
            if order["status"] == "complete":
                entry["status"] = "COMPLETED"
                for r in gtt["rules"]:
                    if r["strategy"] != "ENTRY" and r["status"] == "PENDING":
                        r["status"] = "SCHEDULED"
            elif order["status"] in ("rejected", "cancelled"):
                entry["status"], entry["message"] = "FAILED", order["status_message"]
                for r in gtt["rules"]:
                    if r["strategy"] != "ENTRY":
                        r["status"] = "CANCELLED"

    def _step_exits(self, gtt: dict[str, Any], inst: Instrument) -> None:
        for rule in gtt["rules"]:
            if rule["strategy"] == "ENTRY":
                continue
            if rule["status"] == "SCHEDULED":
                self._trail(rule, inst)
                if _exit_hit(rule, inst.ltp):
                    self._trigger(gtt, rule, inst)
            if rule["status"] == "TRIGGERED":
                order = self.orders[rule["order_id"]]
                if order["status"] == "complete":
                    rule["status"] = "COMPLETED"
                    self._cancel_siblings(gtt, rule)

    def _trail(self, rule: dict[str, Any], inst: Instrument) -> None:
        gap = rule.get("trailing_gap")
        if rule["strategy"] != "STOPLOSS" or not gap:
            return
        trig = Decimal(str(rule["trigger_price"]))
        g = Decimal(str(gap))
        if rule["transaction_type"] == "SELL":
            cand = ((inst.ltp - g) / inst.tick).to_integral_value(ROUND_FLOOR) * inst.tick
            if cand > trig:
                rule["trigger_price"] = float(cand)
        else:
            cand = ((inst.ltp + g) / inst.tick).to_integral_value(ROUND_FLOOR) * inst.tick
            if cand < trig:
                rule["trigger_price"] = float(cand)

    def _trigger(self, gtt: dict[str, Any], rule: dict[str, Any], inst: Instrument) -> None:
        """A triggered rule always sends a LIMIT at its trigger price (it can miss)."""
        body = {"quantity": gtt["quantity"], "product": gtt["product"], "validity": "DAY",
                "price": rule["trigger_price"], "instrument_token": inst.key,
                "order_type": "LIMIT", "transaction_type": rule["transaction_type"]}
        rule["order_id"] = self.place(body, ref=gtt["gtt_order_id"])
        rule["status"] = "TRIGGERED"

    def _cancel_siblings(self, gtt: dict[str, Any], done: dict[str, Any]) -> None:
        for r in gtt["rules"]:
            if r is done or r["strategy"] == "ENTRY" or r["status"] in FINAL_RULE:
                continue
            if r["order_id"] and self.orders[r["order_id"]]["status"] not in FINAL_ORDER:
                self.cancel(r["order_id"])
            r["status"] = "CANCELLED"

    def cancel_gtt(self, gid: str) -> None:
        gtt = self.gtts[gid]
        for r in gtt["rules"]:
            if r["status"] in FINAL_RULE:
                continue
            if r["order_id"] and self.orders[r["order_id"]]["status"] not in FINAL_ORDER:
                self.cancel(r["order_id"])
            r["status"] = "CANCELLED"
        self.events.append(("gtt_order", dict(gtt)))

    def modify_gtt(self, body: dict[str, Any]) -> None:
        gtt = self.gtts[body["gtt_order_id"]]
        gtt["quantity"] = int(body.get("quantity", gtt["quantity"]))
        for new in body.get("rules", []):
            rule = self.rule(gtt, new["strategy"])
            if rule is not None and rule["status"] not in FINAL_RULE | {"TRIGGERED"}:
                rule["trigger_price"] = float(new["trigger_price"])
                rule["trailing_gap"] = new.get("trailing_gap", rule.get("trailing_gap"))
        self._step_gtt(gtt, self.instruments[gtt["instrument_token"]])

    def live_gtts(self) -> list[dict[str, Any]]:
        """GTTs as GET returns them: finished ones (every rule final) are left out."""
        return [g for g in self.gtts.values()
                if not all(r["status"] in FINAL_RULE for r in g["rules"])]


def _crossed(rule: dict[str, Any], ltp: Decimal) -> bool:
    trig = Decimal(str(rule["trigger_price"]))
    kind = rule["trigger_type"]
    return kind == "IMMEDIATE" or (kind == "ABOVE" and ltp >= trig) or (
        kind == "BELOW" and ltp <= trig)


def _exit_hit(rule: dict[str, Any], ltp: Decimal) -> bool:
    trig = Decimal(str(rule["trigger_price"]))
    selling = rule["transaction_type"] == "SELL"
    if rule["strategy"] == "TARGET":
        return ltp >= trig if selling else ltp <= trig
    return ltp <= trig if selling else ltp >= trig
