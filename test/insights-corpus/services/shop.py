"""Small services that really do (or really avoid) the patterns of the performance insights
PI001-PI006, instrumented with the OpenTelemetry Python SDK and its real instrumentations:
sqlite3 (opentelemetry-instrumentation-sqlite3) on real SQLite databases, urllib
(opentelemetry-instrumentation-urllib) against a real HTTP server, redis-py
(opentelemetry-instrumentation-redis) against a real redis-server, psycopg 3
(opentelemetry-instrumentation-psycopg) against a real PostgreSQL.

    python shop.py <scenario> <otlp traces endpoint> <redis port> <work dir> <postgres conninfo>

Runs one scenario as its own service (service.name = the scenario), exports its spans over
OTLP/HTTP protobuf, and prints one JSON line per request: {"traceId", "scenario", "expect"},
where "expect" lists the rule ids the request's trace does show by construction. That list is
the corpus' ground truth; the detectors never see it.

The request handlers start their SERVER span themselves (there is no web framework here) and
record where they are in the code with `code.*` attributes, as an instrumented handler does.
Paths are recorded relative to the repository so the corpus reads the same on every machine.
"""
import contextvars
import http.server
import inspect
import json
import os
import random
import sqlite3
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
from opentelemetry.instrumentation.urllib import URLLibInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind

SCENARIO, ENDPOINT, REDIS_PORT, WORK_DIR, PG_CONNINFO = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
REQUESTS = 12
REPO_PATH = "test/insights-corpus/services/shop.py"

provider = TracerProvider(resource=Resource.create({"service.name": SCENARIO}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=ENDPOINT), schedule_delay_millis=100))
trace.set_tracer_provider(provider)
SQLite3Instrumentor().instrument()
URLLibInstrumentor().instrument()
RedisInstrumentor().instrument()
PsycopgInstrumentor().instrument()
tracer = trace.get_tracer("insights-corpus")
# Data comes from a seeded generator of its own: seeding `random` itself would also seed the SDK's
# trace-id generator and give every scenario process the same trace ids.
rng = random.Random(17)


def code_attributes(fn):
    return {
        "code.function.name": f"shop.{fn.__name__}",
        "code.file.path": REPO_PATH,
        "code.line.number": inspect.getsourcelines(fn)[1],
    }


def traced(fn):
    """A function with its own INTERNAL span carrying its code location."""
    attrs = code_attributes(fn)

    def wrapper(*args, **kwargs):
        with tracer.start_as_current_span(fn.__name__, attributes=attrs):
            return fn(*args, **kwargs)

    wrapper.__name__ = fn.__name__
    return wrapper


def serve(route, handler, *args):
    """One request: a SERVER span for the route whose code location is the handler's."""
    attrs = {"http.request.method": "GET", "http.route": route, **code_attributes(handler)}
    with tracer.start_as_current_span(f"GET {route}", kind=SpanKind.SERVER, attributes=attrs) as span:
        handler(*args)
        return format(span.get_span_context().trace_id, "032x")


# ---------------------------------------------------------------- a real downstream HTTP service


class Downstream(http.server.BaseHTTPRequestHandler):
    """Answers after the time its path asks for (/sleep/<ms>/<name>): the latency of a slow service."""

    def do_GET(self):
        parts = self.path.split("/")
        time.sleep(int(parts[2]) / 1000 if len(parts) > 2 and parts[2].isdigit() else 0)
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


downstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Downstream)
threading.Thread(target=downstream.serve_forever, daemon=True).start()
BASE = f"http://127.0.0.1:{downstream.server_address[1]}"


def fetch(path):
    with urllib.request.urlopen(BASE + path) as r:
        return json.loads(r.read())


# ---------------------------------------------------------------- databases


def q(db, sql, params=()):
    """A statement through a cursor, as DB-API code runs it (the instrumentation traces cursor calls)."""
    cur = db.cursor()
    cur.execute(sql, params)
    return cur


def orders_db():
    db = sqlite3.connect(os.path.join(WORK_DIR, f"{SCENARIO}.db"), check_same_thread=False)
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, customer TEXT);
        CREATE TABLE IF NOT EXISTS order_items(id INTEGER PRIMARY KEY, order_id INTEGER, sku TEXT, qty INTEGER);
        """
    )
    if q(db, "SELECT count(*) FROM orders").fetchone()[0] == 0:
        db.executemany("INSERT INTO orders VALUES (?, ?)", [(i, f"c{i % 97}") for i in range(1, 401)])
        # No index on order_items.order_id: each lookup scans, as an ORM's missing index does.
        db.executemany("INSERT INTO order_items(order_id, sku, qty) VALUES (?, ?, ?)",
                       [(1 + i % 400, f"sku{i % 1000}", 1 + i % 5) for i in range(40_000)])
        db.commit()
    return db


def search_db():
    db = sqlite3.connect(os.path.join(WORK_DIR, f"{SCENARIO}.db"))
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS products(id INTEGER PRIMARY KEY, category_id INTEGER, name TEXT, description TEXT);
        CREATE TABLE IF NOT EXISTS reviews(id INTEGER PRIMARY KEY, product_id INTEGER, stars INTEGER);
        CREATE INDEX IF NOT EXISTS reviews_product ON reviews(product_id);
        CREATE INDEX IF NOT EXISTS products_category ON products(category_id);
        """
    )
    if q(db, "SELECT count(*) FROM products").fetchone()[0] == 0:
        words = ["steel", "oak", "linen", "wool", "glass", "clay", "brass", "silk"]
        db.executemany("INSERT INTO products VALUES (?, ?, ?, ?)",
                       [(i, i % 50, f"item {i}", " ".join(rng.choice(words) for _ in range(12))) for i in range(1, 150_001)])
        db.executemany("INSERT INTO reviews(product_id, stars) VALUES (?, ?)", [(1 + i % 150_000, 1 + i % 5) for i in range(20_000)])
        db.commit()
    return db


# ---------------------------------------------------------------- PI001 N+1 queries and its twin


def list_orders_n_plus_one(db, n):
    orders = q(db, "SELECT id, customer FROM orders ORDER BY id LIMIT ?", (n,)).fetchall()
    for order_id, _ in orders:
        q(db, "SELECT sku, qty FROM order_items WHERE order_id = ?", (order_id,)).fetchall()


def list_orders_few(db, n):
    # The same loop over a short page: 3 queries are below every N+1 threshold.
    list_orders_n_plus_one(db, 3)


def list_orders_eager(db, n):
    orders = q(db, "SELECT id, customer FROM orders ORDER BY id LIMIT ?", (n,)).fetchall()
    ids = [o[0] for o in orders]
    q(db, f"SELECT order_id, sku, qty FROM order_items WHERE order_id IN ({','.join('?' * len(ids))})", ids).fetchall()


def pg_orders_db():
    import psycopg

    db = psycopg.connect(PG_CONNINFO, autocommit=True)
    with db.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_order_items, pg_orders")
        cur.execute("CREATE TABLE pg_orders(id integer PRIMARY KEY, customer text)")
        # No index on order_id: each per-order lookup scans the table.
        cur.execute("CREATE TABLE pg_order_items(id serial PRIMARY KEY, order_id integer, sku text, qty integer)")
        cur.execute("INSERT INTO pg_orders SELECT i, 'c' || (i % 97) FROM generate_series(1, 400) i")
        cur.execute("INSERT INTO pg_order_items(order_id, sku, qty) SELECT 1 + i % 400, 'sku' || (i % 1000), 1 + i % 5 FROM generate_series(0, 59999) i")
        cur.execute("ANALYZE")
    return db


def pg_list_orders_n_plus_one(db, n):
    with db.cursor() as cur:
        cur.execute("SELECT id, customer FROM pg_orders ORDER BY id LIMIT %s", (n,))
        for (order_id, _) in cur.fetchall():
            cur.execute("SELECT sku, qty FROM pg_order_items WHERE order_id = %s", (order_id,))
            cur.fetchall()


def pg_list_orders_join(db, n):
    with db.cursor() as cur:
        cur.execute(
            "SELECT o.id, i.sku, i.qty FROM (SELECT id FROM pg_orders ORDER BY id LIMIT %s) o JOIN pg_order_items i ON i.order_id = o.id",
            (n,),
        )
        cur.fetchall()


# ---------------------------------------------------------------- PI002 serial calls and its twin


def dashboard_serial():
    fetch("/sleep/25/profile")
    fetch("/sleep/30/recommendations")
    fetch("/sleep/20/notifications")


def dashboard_dependent():
    # The second call needs the first answer, and the handler visibly works on it in between.
    user = fetch("/sleep/25/user")
    cpu_work(12)
    fetch(f"/sleep/20/orders-of/{len(user['path'])}")


def dashboard_parallel():
    ctx = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=3) as pool:
        # Each worker runs in a copy of the request's context, so the client spans stay children of it.
        futures = [pool.submit(ctx.copy().run, fetch, p) for p in ("/sleep/25/profile", "/sleep/30/recommendations", "/sleep/20/notifications")]
        for f in futures:
            f.result()


# ---------------------------------------------------------------- PI003 cache miss and its twin


def cache_client():
    import redis

    r = redis.Redis(host="127.0.0.1", port=REDIS_PORT)
    r.flushdb()
    return r


def product_cached_wrong_key(db, cache, product_id):
    # The bug: read "product:<id>", write back "products:<id>", so every read misses.
    if cache.get(f"product:{product_id}") is None:
        row = q(db, "SELECT id, customer FROM orders WHERE id = ?", (product_id,)).fetchone()
        cache.set(f"products:{product_id}", json.dumps(row), ex=60)


def product_cached(db, cache, product_id):
    if cache.get(f"product:{product_id}") is None:
        row = q(db, "SELECT id, customer FROM orders WHERE id = ?", (product_id,)).fetchone()
        cache.set(f"product:{product_id}", json.dumps(row), ex=60)


def product_with_session(db, cache, product_id):
    # A cache read that hits, then a database read it does not guard: no fall-through.
    cache.get("session:current")
    q(db, "SELECT id, customer FROM orders WHERE id = ?", (product_id,)).fetchone()


# ---------------------------------------------------------------- PI004 bottleneck and its twin


def cpu_work(units):
    """Real CPU work (hashing), sized in units of about a millisecond on this machine."""
    import hashlib

    h = b"x"
    for _ in range(units * 3000):
        h = hashlib.sha256(h).digest()
    return h


@traced
def load_user(db):
    return q(db, "SELECT id, customer FROM orders WHERE id = ?", (7,)).fetchone()


@traced
def render_report():
    return cpu_work(60)


@traced
def render_summary():
    return cpu_work(12)


@traced
def compress_summary():
    return cpu_work(12)


@traced
def sign_summary():
    return cpu_work(12)


@traced
def audit(db):
    q(db, "SELECT count(*) FROM orders WHERE customer = ?", ("c1",)).fetchone()


def report_bottleneck(db):
    load_user(db)
    render_report()
    audit(db)


def report_balanced(db):
    load_user(db)
    render_summary()
    compress_summary()
    sign_summary()
    audit(db)


# ---------------------------------------------------------------- PI005 repeated calls and its twin


def cart_repeated(items):
    for _ in range(items):
        # The exchange rate is fetched again for every line of the cart.
        fetch("/sleep/3/config/currency")
        cpu_work(1)


def cart_once(items):
    fetch("/sleep/3/config/currency")
    for _ in range(items):
        cpu_work(1)


# ---------------------------------------------------------------- PI006 slow statement and its twin


def search_slow(db, term, product_id):
    q(db, "SELECT id, name FROM products WHERE id = ?", (product_id,)).fetchone()
    q(db, "SELECT stars FROM reviews WHERE product_id = ?", (product_id,)).fetchall()
    q(db, "SELECT count(*) FROM products WHERE category_id = ?", (product_id % 50,)).fetchone()
    # A leading-wildcard LIKE cannot use any index: a full scan of 150k rows (the terms searched for are rare).
    q(db, "SELECT id, name FROM products WHERE description LIKE ? LIMIT 20", (f"%{term}%",)).fetchall()


def search_indexed(db, term, product_id):
    q(db, "SELECT id, name FROM products WHERE id = ?", (product_id,)).fetchone()
    q(db, "SELECT stars FROM reviews WHERE product_id = ?", (product_id,)).fetchall()
    q(db, "SELECT count(*) FROM products WHERE category_id = ?", (product_id % 50,)).fetchone()
    q(db, "SELECT id, name FROM products WHERE category_id = ? LIMIT 20", (product_id % 50,)).fetchall()


# ---------------------------------------------------------------- scenarios


def run():
    out = []

    def emit(trace_id, expect):
        out.append({"traceId": trace_id, "scenario": SCENARIO, "expect": expect})

    if SCENARIO in ("orders-n-plus-one", "orders-eager", "orders-few"):
        db = orders_db()
        handler = {"orders-n-plus-one": list_orders_n_plus_one, "orders-eager": list_orders_eager, "orders-few": list_orders_few}[SCENARIO]
        for i in range(REQUESTS):
            emit(serve("/orders", handler, db, 8 + (i * 5) % 25), ["PI001"] if SCENARIO == "orders-n-plus-one" else [])
    elif SCENARIO in ("orders-pg-n-plus-one", "orders-pg-join"):
        db = pg_orders_db()
        handler = pg_list_orders_n_plus_one if SCENARIO == "orders-pg-n-plus-one" else pg_list_orders_join
        for i in range(REQUESTS):
            emit(serve("/orders", handler, db, 6 + (i * 7) % 20), ["PI001"] if SCENARIO == "orders-pg-n-plus-one" else [])
    elif SCENARIO in ("gateway-serial", "gateway-parallel", "gateway-dependent"):
        handler = {"gateway-serial": dashboard_serial, "gateway-parallel": dashboard_parallel, "gateway-dependent": dashboard_dependent}[SCENARIO]
        for _ in range(REQUESTS):
            emit(serve("/dashboard", handler), ["PI002"] if SCENARIO == "gateway-serial" else [])
    elif SCENARIO in ("catalog-cache-miss", "catalog-warm-cache", "catalog-session"):
        db, cache = orders_db(), cache_client()
        cache.set("session:current", "s1")
        handler = {"catalog-cache-miss": product_cached_wrong_key, "catalog-warm-cache": product_cached, "catalog-session": product_with_session}[SCENARIO]
        # 20 requests over 4 products: a working cache misses only the first request of each.
        for i in range(20):
            emit(serve("/products/{id}", handler, db, cache, 1 + i % 4), ["PI003"] if SCENARIO == "catalog-cache-miss" else [])
    elif SCENARIO in ("reports-bottleneck", "reports-balanced"):
        db = orders_db()
        handler = report_bottleneck if SCENARIO == "reports-bottleneck" else report_balanced
        for _ in range(REQUESTS):
            emit(serve("/report", handler, db), ["PI004"] if SCENARIO == "reports-bottleneck" else [])
    elif SCENARIO in ("pricing-repeated", "pricing-once"):
        handler = cart_repeated if SCENARIO == "pricing-repeated" else cart_once
        for i in range(REQUESTS):
            emit(serve("/cart", handler, 3 + i % 4), ["PI005"] if SCENARIO == "pricing-repeated" else [])
    elif SCENARIO in ("search-slow-statement", "search-indexed"):
        db = search_db()
        handler = search_slow if SCENARIO == "search-slow-statement" else search_indexed
        for i in range(REQUESTS):
            emit(serve("/search", handler, db, rng.choice(["walnut", "bamboo", "cedar"]), 1 + i * 37), ["PI006"] if SCENARIO == "search-slow-statement" else [])
    else:
        raise SystemExit(f"unknown scenario {SCENARIO}")
    provider.force_flush()
    provider.shutdown()
    downstream.shutdown()
    for line in out:
        print(json.dumps(line))


run()
