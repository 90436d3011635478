"""The ratios and verdicts ``checkout.py`` prints under its table: every figure against a
baseline taken in the same run, so a slow or busy machine moves both sides alike."""

from __future__ import annotations

from common import Result

SALE = "POST /api/sales (3 lines)"


def _get(by: dict, name: str, clients: int) -> Result | None:
    return by.get((name, clients))


def _verdict(label: str, value: float, limit: float, unit: str, higher_is_better=False) -> str:
    ok = value >= limit if higher_is_better else value <= limit
    op = (">=" if ok else "<") if higher_is_better else ("<=" if ok else ">")
    return (
        f"{label}: {value:.{0 if unit == ' sales/s' else 2}f}{unit} {op} {limit:g}{unit}  -> "
        + ("met" if ok else "MISSED")
    )


def print_report(results: list[Result], notes: dict, many: int) -> dict:
    by = {(r.name, r.clients): r for r in results}
    raw = {r.name: r for r in results if r.name.startswith("raw SQLite")}
    raw_full = raw.get("raw SQLite insert (FULL)")
    ratios, verdicts = [], []

    print()
    for r in raw.values():
        print(
            f"{r.name}: {r.per_second:.0f} sales/s = {r.per_second * 6:.0f} rows/s "
            "(1 sale + 3 lines + 1 payment + 1 outbox row per transaction)"
        )
    head = f"{'ratios':<10}{'p50 sale/bare':>15}{'p99 sale/bare':>15}{'sales/s':>10}"
    head += f"{'vs raw sales/s':>16}{'vs raw rows/s':>15}"
    print(head)
    print("-" * len(head))
    for clients in (1, many):
        bare, sale = _get(by, "GET /api/health", clients), _get(by, SALE, clients)
        row = {
            "clients": clients,
            "p50_sale_over_bare": sale.p50_ms / bare.p50_ms,
            "p99_sale_over_bare": sale.p99_ms / bare.p99_ms,
            "sales_per_s": sale.per_second,
            "sales_per_s_over_raw_sales_per_s": sale.per_second / raw_full.per_second,
            "sales_per_s_over_raw_rows_per_s": sale.per_second / (raw_full.per_second * 6),
        }
        ratios.append(row)
        print(
            f"{str(clients) + ' client' + ('s' if clients > 1 else ''):<10}"
            f"{row['p50_sale_over_bare']:>14.2f}x{row['p99_sale_over_bare']:>14.2f}x"
            f"{row['sales_per_s']:>10.1f}{row['sales_per_s_over_raw_sales_per_s']:>15.3f}x"
            f"{row['sales_per_s_over_raw_rows_per_s']:>14.4f}x"
        )
        clients_word = f"{clients} client{'s' if clients > 1 else ''}"
        verdicts.append(
            _verdict(f"p50 sale/bare ({clients_word})", row["p50_sale_over_bare"], 3, "x")
        )
    s8 = _get(by, SALE, many).per_second
    verdicts.append(_verdict(f"throughput ({many} clients)", s8, 200, " sales/s", True))

    quiet = _get(by, SALE, 1)
    stress = {}
    loads = (
        ("login_flood", "sale, 16-thread log-in flood", "sale, quiet (in turns with flood)"),
        ("slow_clients", "sale, 8 trickling clients", "sale, quiet (in turns w. trickle)"),
    )
    print()
    print(f"{'1 client under load vs quiet in turns':<44}{'p50':>10}{'p99':>10}{'errors':>8}")
    for key, name, before in loads:
        r, base = _get(by, name, 1), _get(by, before, 1) or quiet
        if r is None:
            continue
        s = stress[key] = {
            "p50_over_quiet": r.p50_ms / base.p50_ms,
            "p99_over_quiet": r.p99_ms / base.p99_ms,
            "p50_ms": r.p50_ms,
            "p99_ms": r.p99_ms,
            "quiet_p50_ms": base.p50_ms,
            "quiet_p99_ms": base.p99_ms,
            "errors": r.errors,
        }
        print(f"{name:<44}{s['p50_over_quiet']:>9.2f}x{s['p99_over_quiet']:>9.2f}x{r.errors:>8}")
    if "login_flood" in stress:
        f = stress["login_flood"]
        verdicts.append(_verdict("log-in flood p50/quiet", f["p50_over_quiet"], 1.5, "x"))
        verdicts.append(_verdict("log-in flood p99/quiet", f["p99_over_quiet"], 1.5, "x"))
    for key in ("flood", "slow"):
        if key in notes:
            print(f"  {notes[key]}")

    normal1, normal8 = (
        _get(by, "sale, synchronous=NORMAL", 1),
        _get(by, "sale, synchronous=NORMAL", many),
    )
    full1, full8 = (
        _get(by, "sale, FULL (in turns w. NORMAL)", 1),
        _get(by, "sale, FULL (in turns w. NORMAL)", many),
    )
    sync = {}
    if normal1 and normal8 and full1 and full8:
        sync = {
            "p50_full_over_normal": full1.p50_ms / normal1.p50_ms,
            "sales_per_s_full_over_normal": full8.per_second / normal8.per_second,
            "full_setting": notes.get("synchronous_full"),
            "normal_setting": notes.get("synchronous_normal"),
        }
        print()
        print(
            f"synchronous FULL vs NORMAL (what the app's connections reported: "
            f"{sync['full_setting']} / {sync['normal_setting']}):"
        )
        print(
            f"  sale p50 (1 client) {full1.p50_ms:.2f} / {normal1.p50_ms:.2f} ms = "
            f"{sync['p50_full_over_normal']:.2f}x;  throughput ({many} clients) "
            f"{full8.per_second:.0f} / {normal8.per_second:.0f} sales/s = "
            f"{sync['sales_per_s_full_over_normal']:.2f}x"
        )
        raw_normal = raw.get("raw SQLite insert (NORMAL)")
        if raw_full and raw_normal:
            sync["raw_sales_per_s_full_over_normal"] = raw_full.per_second / raw_normal.per_second
            print(
                f"  raw SQLite insert FULL/NORMAL: {sync['raw_sales_per_s_full_over_normal']:.2f}x"
            )
        if sync["full_setting"] == sync["normal_setting"]:
            print("  (both runs got the same setting: the app does not read SQLITE_SYNCHRONOUS)")

    print()
    for v in verdicts:
        print(v)
    return {
        "ratios": ratios,
        "under_load": stress,
        "synchronous": sync,
        "goals": {
            "p50_sale_over_bare_max": 3.0,
            "sales_per_s_min": 200,
            "flood_over_quiet_max": 1.5,
            "met": all(v.endswith("met") for v in verdicts),
        },
    }
