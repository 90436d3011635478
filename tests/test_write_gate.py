"""SQLite writers queue on the write gate; every request must leave it open again, whatever
happened (commit, refusal, exception, a POST that never committed)."""

from __future__ import annotations

import threading

from support import ApiClient, new_sale_body

from pos import db as dbmod


def gate_is_free() -> bool:
    result = []

    def probe():
        got = dbmod._gate.lock.acquire(blocking=False)
        if got:
            dbmod._gate.lock.release()
        result.append(got)

    t = threading.Thread(target=probe)
    t.start()
    t.join()
    return result[0] and dbmod._gate.depth == 0


def test_gate_is_released_after_every_kind_of_request(sqlite_app):
    api = ApiClient(sqlite_app, "cashier3", pin="1234")
    assert gate_is_free()
    good = new_sale_body(api, [("에스프레소", 1, [])], [{"method": "cash", "amount": 3500}])
    assert api.post("/api/sales", json=good).status_code == 201
    assert gate_is_free()
    bad = new_sale_body(api, [("에스프레소", 1, [])], [{"method": "cash", "amount": 1}])
    assert api.post("/api/sales", json=bad).status_code == 422
    assert gate_is_free()
    assert api.post("/api/sales", json=dict(good, discount=5)).status_code == 409
    assert gate_is_free()
    assert api.post("/api/logout").status_code == 200  # ends the user's sessions
    assert gate_is_free()
    assert sqlite_app.test_client().post("/api/login", json={"username": "x"}).status_code == 400
    assert gate_is_free()
    wrong = {"username": "x", "pin": "0000"}  # read, hashed, then one short write
    assert sqlite_app.test_client().post("/api/login", json=wrong).status_code == 401
    assert gate_is_free()


def test_two_threads_write_one_after_the_other(sqlite_app):
    apis = [ApiClient(sqlite_app, "cashier3", pin="1234") for _ in range(2)]
    codes = []

    def sell(api):
        body = new_sale_body(api, [("에스프레소", 1, [])], [{"method": "cash", "amount": 3500}])
        codes.append(api.post("/api/sales", json=body).status_code)

    threads = [threading.Thread(target=sell, args=(a,)) for a in apis]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert codes == [201, 201]
    assert gate_is_free()


def test_a_thread_that_served_a_get_writes_with_the_lock_again(sqlite_app):
    """A GET's read-only mode ends with its request: work the same thread does next (a job,
    a command) takes the write lock up front instead of failing with "database is locked"
    when another writer holds it."""
    from sqlalchemy import text

    mode = dbmod.sqlite_writes.set(True)  # a thread about to write, as a job or command is
    try:
        api = ApiClient(sqlite_app, "cashier3", pin="1234")
        assert api.get("/api/health").status_code == 200
        assert dbmod.sqlite_writes.get() is True
    finally:
        dbmod.sqlite_writes.reset(mode)
    holder = threading.Event()
    done = threading.Event()

    def other_writer():
        with sqlite_app.app_context():
            dbmod.db.session.execute(text("UPDATE sites SET name = name"))
            holder.set()
            done.wait(5)
            dbmod.db.session.commit()

    t = threading.Thread(target=other_writer)
    t.start()
    holder.wait(5)
    with sqlite_app.app_context():
        threading.Timer(0.3, done.set).start()
        # waits for the other writer's commit, then writes
        dbmod.db.session.execute(text("UPDATE sites SET name = name"))
        dbmod.db.session.commit()
    t.join()
    assert gate_is_free()
