/* 꿈이든 POS: the cashier screen.
 *
 * Everything goes through the JSON API (/api/catalog, /api/sales, ...). What must survive a
 * reload or a Wi-Fi blink lives in localStorage:
 *   cart     the lines being rung up
 *   pending  the checkout body being sent, with the sale id made ONCE on this tablet; it is
 *            re-sent with the same id until the server answers, so a sale is never charged twice
 *   done     the last finished sale, so a reload on the done screen still shows the change
 *   catalog  the last catalog, so the menu shows even when the server is briefly unreachable
 *
 * Text from the server is only ever shown with x-text (textContent), never as HTML.
 */
"use strict";

(() => {
  const KEY_PREFIX = "kkumideun.pos.v1";
  const RETRYABLE_4XX = new Set([408, 425, 429]);
  const MAX_BACKOFF_MS = 20000;
  const REQUEST_TIMEOUT_MS = 15000;
  const PRINT_POLLS = 8;

  // ---- small helpers ------------------------------------------------------------------------

  /** 4500 -> "4,500원" (never ₩: it is not in CP949 and receipts say 원). */
  function won(amount) {
    return Number(amount || 0).toLocaleString("ko-KR") + "원";
  }

  /** "12,000" or "12000원" typed or tapped -> 12000; anything else -> 0. */
  function toInt(text) {
    const digits = String(text ?? "").replace(/[^0-9]/g, "");
    return digits ? parseInt(digits, 10) : 0;
  }

  /** A v4 UUID. crypto.randomUUID only exists on https/localhost; a café LAN is plain http. */
  function newSaleId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function sleep(ms, wake) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      if (wake) {
        wake.resolve = () => {
          clearTimeout(timer);
          resolve();
        };
      }
    });
  }

  class Store {
    constructor(site) {
      this.prefix = `${KEY_PREFIX}.${site}.`;
    }
    get(name) {
      try {
        const raw = window.localStorage.getItem(this.prefix + name);
        return raw ? JSON.parse(raw) : null;
      } catch (err) {
        console.warn("localStorage read failed", name, err);
        return null;
      }
    }
    set(name, value) {
      try {
        window.localStorage.setItem(this.prefix + name, JSON.stringify(value));
        return true;
      } catch (err) {
        console.error("localStorage write failed", name, err);
        return false;
      }
    }
    remove(name) {
      try {
        window.localStorage.removeItem(this.prefix + name);
      } catch (err) {
        console.warn("localStorage remove failed", name, err);
      }
    }
  }

  /** Thrown when the request never got an HTTP answer (Wi-Fi down, server stopped, timeout). */
  class NetworkError extends Error {}

  let csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";

  /** fetch + JSON. Resolves {status, ok, data} for any HTTP answer; throws NetworkError else.
   * CSRF tokens expire (an hour by default) while a tablet stays on this page all day: on a
   * "csrf" refusal the token is renewed through /api/me and the call is made once more. */
  async function api(method, path, body) {
    const res = await request(method, path, body);
    if (method !== "GET" && res.status === 400 && res.data?.error?.code === "csrf") {
      if ((await refreshCsrf()) === 200) return request(method, path, body);
    }
    return res;
  }

  async function request(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
    let res;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
        signal: ctrl.signal,
      });
    } catch (err) {
      throw new NetworkError(String(err));
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null; // an HTML error page from a proxy, or an empty body
    }
    return { status: res.status, ok: res.ok, data };
  }

  /** The Korean message of an API error, or a fallback. */
  function errorMessage(res, fallback) {
    const msg = res && res.data && res.data.error && res.data.error.message;
    return msg || fallback || `요청을 처리하지 못했습니다 (HTTP ${res ? res.status : "-"})`;
  }

  async function refreshCsrf() {
    try {
      const res = await request("GET", "/api/me");
      if (res.ok && res.data && res.data.csrf_token) csrfToken = res.data.csrf_token;
      return res.status;
    } catch {
      return 0;
    }
  }

  function emptyPayForm(method) {
    return {
      method: method || "cash",
      split: false, // "나눠 내기": pay only part of the rest with this method
      amount: "", // this payment's amount when split
      tendered: "", // cash handed over
      approval: "",
      issuer: "",
      cardNo: "",
      installment: 0,
    };
  }

  // ---- the Alpine component ------------------------------------------------------------------

  document.addEventListener("alpine:init", () => {
    window.Alpine.data("cashier", () => ({
      config: { site: { code: "" }, user: {}, methods: {}, purposes: {} },
      store: null,

      catalog: { categories: [], products: [] },
      catalogState: "loading", // loading | ready | stale | error
      category: "전체",
      query: "",

      cart: { lines: [] },
      clearArmed: false,

      dialog: null, // {product, counts: {optionId: n}}

      screen: "sell", // sell | pay | sending | done
      pay: emptyPayForm(),
      payments: [], // partial payments already taken
      padTarget: "tendered",
      cashReceipt: { on: false, purpose: "income_deduction", identifier: "" },
      payError: "",

      sending: { attempt: 0, retrying: false, waitSeconds: 0, problem: "", needLogin: false },
      sendLoopRunning: false,
      wake: {},

      done: null, // the sale as the server returned it
      printPolls: 0,
      printMessage: "",

      jobsOpen: false,
      jobs: [],
      jobsAll: false,
      jobsState: "",

      online: navigator.onLine,
      toast: "",
      toastTimer: null,

      won,

      // -- start-up ------------------------------------------------------------------------
      init() {
        this.config = JSON.parse(document.getElementById("pos-config").textContent);
        this.store = new Store(this.config.site.code);
        this.pay = emptyPayForm(Object.keys(this.config.methods)[0]);

        const savedCart = this.store.get("cart");
        if (savedCart && Array.isArray(savedCart.lines)) this.cart = savedCart;
        const cached = this.store.get("catalog");
        if (cached && Array.isArray(cached.products)) {
          this.catalog = cached;
          this.catalogState = "stale";
        }
        const pending = this.store.get("pending");
        const done = this.store.get("done");
        if (pending) {
          // A checkout was on its way when the page went away: finish it first.
          this.sendPending();
        } else if (done) {
          this.done = done;
          this.screen = "done";
          this.pollPrint();
        }
        this.loadCatalog();

        window.addEventListener("online", () => {
          this.online = true;
          this.retryNow();
        });
        window.addEventListener("offline", () => {
          this.online = false;
        });
        setInterval(() => this.ping(), 20000);
        window.addEventListener("keydown", (ev) => this.onGlobalKey(ev));
        window.addEventListener("storage", (ev) => {
          if (ev.key === this.store.prefix + "cart" && this.screen === "sell") {
            this.cart = this.store.get("cart") || { lines: [] };
          }
        });
      },

      async ping() {
        try {
          const res = await api("GET", "/api/health");
          this.online = res.ok;
        } catch {
          this.online = false;
        }
      },

      async loadCatalog() {
        try {
          const res = await api("GET", "/api/catalog");
          if (res.status === 401) {
            this.showToast("로그인이 필요합니다. 다시 로그인하세요.");
            this.catalogState = "error";
            return;
          }
          if (!res.ok) throw new NetworkError(errorMessage(res));
          this.catalog = res.data;
          this.store.set("catalog", res.data);
          this.catalogState = "ready";
          this.online = true;
          this.repriceCart();
        } catch (err) {
          console.warn("catalog", err);
          this.online = false;
          this.catalogState = this.catalog.products.length ? "stale" : "error";
          setTimeout(() => this.loadCatalog(), 5000);
        }
      },

      // -- the menu --------------------------------------------------------------------------
      get tabs() {
        return ["전체", ...(this.catalog.categories || [])];
      },

      get visibleProducts() {
        const q = this.query.trim().toLowerCase();
        return this.catalog.products.filter((p) => {
          if (q) {
            return (
              p.name.toLowerCase().includes(q) ||
              (p.sku || "").toLowerCase().includes(q) ||
              (p.barcode || "").includes(q)
            );
          }
          return this.category === "전체" || p.category === this.category;
        });
      },

      productById(id) {
        return this.catalog.products.find((p) => p.id === id) || null;
      },

      stockText(p) {
        return p.track_stock && p.on_hand !== null ? `재고 ${p.on_hand}` : "";
      },

      /** Enter in the search box: a scanner typed a barcode (or someone typed a SKU). */
      searchEnter() {
        const q = this.query.trim();
        if (!q) return;
        const lower = q.toLowerCase();
        let hit = this.catalog.products.find(
          (p) => (p.barcode && p.barcode === q) || (p.sku || "").toLowerCase() === lower,
        );
        if (!hit && this.visibleProducts.length === 1) hit = this.visibleProducts[0];
        if (!hit) {
          this.showToast(`'${q}' 상품을 찾을 수 없습니다`);
          return;
        }
        this.query = "";
        this.addProduct(hit);
      },

      /** Keystrokes with nothing focused (a barcode scanner) go to the search box. */
      onGlobalKey(ev) {
        if (this.screen !== "sell" || this.dialog || this.jobsOpen) return;
        const el = document.activeElement;
        const typing = el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA");
        if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
        if (ev.key.length === 1 && /\S/.test(ev.key)) {
          ev.preventDefault();
          this.query += ev.key;
          this.$refs.search.focus();
        }
      },

      addProduct(p) {
        if (p.sold_out) {
          this.showToast(`${p.name}: 품절입니다`);
          return;
        }
        if (p.option_groups && p.option_groups.length) {
          this.openOptions(p);
        } else {
          this.addLine(p, []);
        }
      },

      // -- the options dialog ----------------------------------------------------------------
      openOptions(p) {
        this.dialog = { product: p, counts: {} };
      },

      closeOptions() {
        this.dialog = null;
      },

      groupCount(group) {
        return group.options.reduce((n, o) => n + (this.dialog.counts[o.id] || 0), 0);
      },

      isPicked(option) {
        return (this.dialog.counts[option.id] || 0) > 0;
      },

      /** Single-choice group (max_select 1): behaves like radio buttons. */
      pickOne(group, option) {
        const counts = { ...this.dialog.counts };
        const was = counts[option.id] || 0;
        for (const o of group.options) delete counts[o.id];
        if (!was || group.required) counts[option.id] = 1;
        this.dialog.counts = counts;
      },

      /** Multi group (e.g. 샷 추가, up to max_select in total). */
      bump(group, option, delta) {
        const now = this.dialog.counts[option.id] || 0;
        const next = now + delta;
        if (next < 0) return;
        if (delta > 0 && this.groupCount(group) >= group.max_select) {
          this.showToast(`${group.name}: 최대 ${group.max_select}개까지 고를 수 있습니다`);
          return;
        }
        this.dialog.counts = { ...this.dialog.counts, [option.id]: next };
      },

      chosenOptions() {
        const out = [];
        for (const g of this.dialog.product.option_groups) {
          for (const o of g.options) {
            const n = this.dialog.counts[o.id] || 0;
            for (let i = 0; i < n; i++) {
              out.push({ id: o.id, name: o.name, price_delta: o.price_delta, group: g.name });
            }
          }
        }
        return out;
      },

      get dialogPrice() {
        if (!this.dialog) return 0;
        return this.chosenOptions().reduce((s, o) => s + o.price_delta, this.dialog.product.price);
      },

      get dialogMissing() {
        if (!this.dialog) return [];
        return this.dialog.product.option_groups
          .filter((g) => g.required && this.groupCount(g) === 0)
          .map((g) => g.name);
      },

      confirmOptions() {
        if (this.dialogMissing.length) {
          this.showToast(`${this.dialogMissing.join(", ")}을(를) 선택하세요`);
          return;
        }
        this.addLine(this.dialog.product, this.chosenOptions());
        this.dialog = null;
      },

      // -- the cart --------------------------------------------------------------------------
      addLine(p, options) {
        const ids = options.map((o) => o.id).sort((a, b) => a - b);
        const key = `${p.id}:${ids.join(",")}`;
        const unit = options.reduce((s, o) => s + o.price_delta, p.price);
        const line = this.cart.lines.find((l) => l.key === key);
        if (line) {
          line.qty += 1;
        } else {
          this.cart.lines.push({
            key,
            product_id: p.id,
            name: p.name,
            tax: p.tax,
            unit_price: unit,
            options,
            qty: 1,
          });
        }
        this.clearArmed = false;
        this.saveCart();
      },

      changeQty(line, delta) {
        line.qty = Math.min(999, line.qty + delta);
        if (line.qty <= 0) this.removeLine(line);
        else this.saveCart();
      },

      removeLine(line) {
        this.cart.lines = this.cart.lines.filter((l) => l.key !== line.key);
        this.saveCart();
      },

      /** 전체 취소 takes two taps so a stray touch does not empty the cart. */
      clearCart() {
        if (!this.cart.lines.length) return;
        if (!this.clearArmed) {
          this.clearArmed = true;
          setTimeout(() => (this.clearArmed = false), 4000);
          return;
        }
        this.clearArmed = false;
        this.cart = { lines: [] };
        this.saveCart();
      },

      saveCart() {
        this.store.set("cart", this.cart);
      },

      /** Prices come from the server: refresh the cart's estimate after a catalog load. */
      repriceCart() {
        let changed = false;
        for (const line of this.cart.lines) {
          const p = this.productById(line.product_id);
          if (!p) continue;
          const deltas = {};
          for (const g of p.option_groups) for (const o of g.options) deltas[o.id] = o.price_delta;
          const unit = line.options.reduce((s, o) => s + (deltas[o.id] ?? o.price_delta), p.price);
          if (unit !== line.unit_price || p.name !== line.name) {
            line.unit_price = unit;
            line.name = p.name;
            changed = true;
          }
        }
        if (changed) this.saveCart();
      },

      optionText(line) {
        const counts = new Map();
        for (const o of line.options) {
          const c = counts.get(o.id) || { o, n: 0 };
          c.n += 1;
          counts.set(o.id, c);
        }
        return Array.from(counts.values())
          .map(({ o, n }) => {
            const name = n > 1 ? `${o.name} ×${n}` : o.name;
            return o.price_delta > 0 ? `${name} +${(o.price_delta * n).toLocaleString("ko-KR")}` : name;
          })
          .join(" · ");
      },

      lineAmount(line) {
        return line.unit_price * line.qty;
      },

      stockWarning(line) {
        const p = this.productById(line.product_id);
        if (!p || !p.track_stock || p.on_hand === null) return "";
        const inCart = this.cart.lines
          .filter((l) => l.product_id === p.id)
          .reduce((s, l) => s + l.qty, 0);
        return inCart > p.on_hand ? `재고 ${p.on_hand}개뿐입니다` : "";
      },

      get cartCount() {
        return this.cart.lines.reduce((s, l) => s + l.qty, 0);
      },

      get cartTotal() {
        return this.cart.lines.reduce((s, l) => s + l.unit_price * l.qty, 0);
      },

      // -- payment ---------------------------------------------------------------------------
      startPay() {
        if (!this.cart.lines.length) return;
        this.payments = [];
        this.payError = "";
        this.cashReceipt = { on: false, purpose: "income_deduction", identifier: "" };
        this.selectMethod("cash");
        this.screen = "pay";
      },

      backToSell() {
        this.screen = "sell";
        this.payments = [];
        this.payError = "";
      },

      selectMethod(method) {
        this.pay = emptyPayForm(method);
        this.payError = "";
        this.padTarget = method === "cash" ? "tendered" : method === "card" ? "approval" : "amount";
      },

      methodLabel(method) {
        return this.config.methods[method] || method;
      },

      get paidSoFar() {
        return this.payments.reduce((s, p) => s + p.amount, 0);
      },

      get remaining() {
        return Math.max(0, this.cartTotal - this.paidSoFar);
      },

      /** What this payment covers: the whole rest, or the typed part when 나눠 내기. */
      get thisAmount() {
        return this.pay.split ? Math.min(toInt(this.pay.amount), this.remaining) : this.remaining;
      },

      get tenderedValue() {
        return toInt(this.pay.tendered);
      },

      get changeDue() {
        if (this.pay.method !== "cash") return 0;
        return Math.max(0, this.tenderedValue - this.thisAmount);
      },

      get cashShort() {
        return this.pay.method === "cash" && this.pay.tendered !== "" && this.tenderedValue < this.thisAmount;
      },

      get cashReceiptAllowed() {
        const cashLike = (m) => m === "cash" || m === "transfer";
        return cashLike(this.pay.method) || this.payments.some((p) => cashLike(p.method));
      },

      addTendered(amount) {
        this.pay.tendered = String(this.tenderedValue + amount);
        this.padTarget = "tendered";
      },

      exactTendered() {
        this.pay.tendered = String(this.thisAmount);
        this.padTarget = "tendered";
      },

      toggleSplit() {
        this.pay.split = !this.pay.split;
        this.pay.amount = "";
        this.padTarget = this.pay.split ? "amount" : this.pay.method === "cash" ? "tendered" : "approval";
      },

      /** The on-screen keypad types into the field last touched. */
      padPress(key) {
        const field = this.padTarget;
        const target = field === "identifier" ? this.cashReceipt : this.pay;
        const isAmount = field === "tendered" || field === "amount";
        const limit = isAmount ? 9 : 30;
        let value = String(target[field] ?? "");
        if (key === "back") value = value.slice(0, -1);
        else if (key === "clear") value = "";
        else if (value.length + key.length <= limit) value += key;
        // Amounts never start with 0; approval and phone numbers may.
        target[field] = isAmount ? value.replace(/^0+(?=\d)/, "") : value;
      },

      /** Check the form and turn it into one API payment; returns null and says why when wrong. */
      paymentFromForm() {
        const amount = this.thisAmount;
        if (amount <= 0) {
          this.payError = this.pay.split ? "이번에 받을 금액을 입력하세요" : "받을 금액이 없습니다";
          return null;
        }
        const p = { method: this.pay.method, amount };
        if (this.pay.method === "cash") {
          const tendered = this.pay.tendered === "" ? amount : this.tenderedValue;
          if (tendered < amount) {
            this.payError = "받은 금액이 결제 금액보다 적습니다";
            return null;
          }
          p.tendered = tendered;
        }
        const approval = this.pay.approval.trim();
        if (this.pay.method === "card" && !approval) {
          this.payError = "카드 승인번호를 입력하세요 (카드 단말기 영수증)";
          this.padTarget = "approval";
          return null;
        }
        if (approval) {
          if (!/^[0-9A-Za-z-]{1,30}$/.test(approval)) {
            this.payError = "승인번호는 숫자와 영문만 입력하세요";
            return null;
          }
          p.approval_no = approval;
        }
        if (this.pay.method === "card") {
          if (this.pay.issuer.trim()) p.issuer = this.pay.issuer.trim().slice(0, 30);
          const cardNo = this.pay.cardNo.replace(/\s/g, "");
          if (cardNo) {
            if (!/^[0-9*-]{4,25}$/.test(cardNo)) {
              this.payError = "카드번호는 숫자 4자리 이상으로 입력하세요 (뒷자리만 써도 됩니다)";
              return null;
            }
            p.card_no = cardNo;
          }
          p.installment = Number(this.pay.installment) || 0;
        }
        return p;
      },

      /** 나눠 내기: take part of the total with this method, then pay the rest another way. */
      addPartialPayment() {
        this.payError = "";
        const p = this.paymentFromForm();
        if (!p) return;
        if (p.amount >= this.remaining) {
          this.finish();
          return;
        }
        this.payments.push(p);
        this.selectMethod(this.pay.method === "cash" ? "card" : "cash");
      },

      removePayment(index) {
        this.payments.splice(index, 1);
      },

      get finishLabel() {
        if (this.remaining === 0) return "결제 완료";
        if (this.pay.split && this.thisAmount < this.remaining) {
          return `${this.methodLabel(this.pay.method)} ${won(this.thisAmount)} 받기`;
        }
        return `${this.methodLabel(this.pay.method)} ${won(this.remaining)} 결제`;
      },

      /** The big button: add the part payment, or check out when it covers the rest. */
      payButton() {
        if (this.remaining > 0 && this.pay.split && this.thisAmount < this.remaining) {
          this.addPartialPayment();
        } else {
          this.finish();
        }
      },

      finish() {
        // A double tap must not make a second sale id while the first is on its way.
        if (this.sendLoopRunning || this.store.get("pending")) return;
        this.payError = "";
        const payments = [...this.payments];
        if (this.remaining > 0) {
          const p = this.paymentFromForm();
          if (!p) return;
          if (p.amount < this.remaining) {
            this.payError = `아직 ${won(this.remaining - p.amount)}이 남았습니다`;
            return;
          }
          payments.push(p);
        }
        const body = {
          id: newSaleId(),
          lines: this.cart.lines.map((l) => ({
            product_id: l.product_id,
            qty: l.qty,
            options: l.options.map((o) => o.id),
          })),
          payments,
        };
        if (this.cashReceipt.on) {
          if (!payments.some((p) => p.method === "cash" || p.method === "transfer")) {
            this.payError = "현금영수증은 현금이나 계좌이체 결제에만 발급합니다";
            return;
          }
          const ident = this.cashReceipt.identifier.replace(/[\s-]/g, "");
          if (ident.length < 4) {
            this.payError = "현금영수증 번호(휴대폰 또는 사업자번호)를 입력하세요";
            return;
          }
          body.cash_receipt = { purpose: this.cashReceipt.purpose, identifier: ident };
        }
        // Written down BEFORE the first byte goes out: a reload or a crash resumes this very
        // body under this very id, and the server answers a repeated id with the same sale.
        if (!this.store.set("pending", { body, created: Date.now() })) {
          this.payError = "이 기기에 저장할 수 없어 결제를 시작하지 않았습니다 (저장 공간 확인)";
          return;
        }
        this.sendPending();
      },

      // -- sending the checkout until the server answers -------------------------------------
      retryNow() {
        if (this.wake.resolve) this.wake.resolve();
      },

      async sendPending() {
        if (this.sendLoopRunning) return;
        const pending = this.store.get("pending");
        if (!pending) return;
        this.sendLoopRunning = true;
        this.screen = "sending";
        this.sending = { attempt: 0, retrying: false, waitSeconds: 0, problem: "", needLogin: false };
        try {
          for (let attempt = 1; ; attempt++) {
            this.sending.attempt = attempt;
            this.sending.waitSeconds = 0;
            let res = null;
            try {
              res = await api("POST", "/api/sales", pending.body);
            } catch (err) {
              this.online = false;
              this.sending.problem = "서버에 연결할 수 없습니다 (Wi-Fi 확인)";
            }
            if (res) this.online = true;
            if (res && (res.status === 200 || res.status === 201)) {
              this.checkoutDone(res.data);
              return;
            }
            if (res && res.status === 400 && res.data?.error?.code === "csrf") {
              this.sending.problem = errorMessage(res); // token not renewed yet: keep trying
            } else if (res && res.status === 401) {
              // Logged out (교대 on another tab, or the server restarted): keep the checkout and
              // finish it after the next log-in.
              this.sending.needLogin = true;
              this.sending.retrying = false;
              this.sending.problem = "로그인이 풀렸습니다. 다시 로그인하면 이 결제를 이어서 보냅니다.";
              return;
            } else if (res && res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status)) {
              this.checkoutRefused(res);
              return;
            } else if (res) {
              this.sending.problem = `서버 오류 (HTTP ${res.status})`;
            }
            const delay = Math.min(1000 * 2 ** (attempt - 1), MAX_BACKOFF_MS);
            this.sending.retrying = true;
            this.sending.waitSeconds = Math.ceil(delay / 1000);
            const countdown = setInterval(() => {
              if (this.sending.waitSeconds > 0) this.sending.waitSeconds -= 1;
            }, 1000);
            await sleep(delay, this.wake);
            clearInterval(countdown);
            this.wake = {};
          }
        } finally {
          this.sendLoopRunning = false;
        }
      },

      checkoutDone(sale) {
        const pending = this.store.get("pending");
        if (pending && pending.body && pending.body.id === sale.id) this.store.remove("pending");
        this.cart = { lines: [] };
        this.saveCart();
        this.payments = [];
        this.done = sale;
        this.store.set("done", sale);
        this.screen = "done";
        this.printMessage = "";
        this.pollPrint();
        this.loadCatalog(); // stock counts moved
      },

      /** 4xx: the server changed nothing. Drop the pending body and let the cashier fix it. */
      checkoutRefused(res) {
        this.store.remove("pending");
        const code = res.data?.error?.code;
        const message = errorMessage(res, "결제를 처리하지 못했습니다");
        if (code === "insufficient_stock" || code === "sold_out" || code === "unknown_product") {
          this.screen = "sell";
          this.showToast(message);
          this.loadCatalog();
        } else {
          this.screen = "pay";
          this.payError = message;
          if (code === "payment_mismatch") this.loadCatalog();
        }
      },

      // -- the done screen -------------------------------------------------------------------
      get qrSrc() {
        if (!this.done || !this.done.receipt_url) return "";
        try {
          const u = new URL(this.done.receipt_url, window.location.href);
          return `${u.pathname}/qr.svg${u.search}`;
        } catch {
          return "";
        }
      },

      get receiptPath() {
        if (!this.done || !this.done.receipt_url) return "";
        try {
          const u = new URL(this.done.receipt_url, window.location.href);
          return u.pathname + u.search;
        } catch {
          return "";
        }
      },

      get printStatus() {
        const p = this.done && this.done.print;
        if (!p || p.status === "none") return { status: "none", label: "프린터 없음" };
        return p;
      },

      async pollPrint() {
        const id = this.done && this.done.id;
        for (let i = 0; i < PRINT_POLLS && this.done && this.done.id === id; i++) {
          const status = this.printStatus.status;
          if (status === "printed" || status === "none") return;
          await sleep(1500);
          try {
            const res = await api("GET", `/api/sales/${encodeURIComponent(id)}`);
            if (res.ok && this.done && this.done.id === id) {
              this.done.print = res.data.print;
              this.store.set("done", this.done);
            }
          } catch {
            this.online = false;
          }
        }
      },

      async reprint(saleId) {
        const id = saleId || (this.done && this.done.id);
        if (!id) return;
        try {
          const res = await api("POST", `/api/sales/${encodeURIComponent(id)}/print`, {});
          if (res.status === 202) {
            this.printMessage = "재출력을 요청했습니다";
            if (this.done && this.done.id === id) {
              this.done.print = { status: res.data.status, label: res.data.label };
              this.pollPrint();
            }
            if (this.jobsOpen) this.loadJobs();
          } else {
            this.printMessage = errorMessage(res, "재출력하지 못했습니다");
            if (saleId) this.showToast(this.printMessage);
          }
        } catch {
          this.printMessage = "서버에 연결할 수 없습니다";
          this.showToast(this.printMessage);
        }
      },

      newOrder() {
        this.done = null;
        this.store.remove("done");
        this.screen = "sell";
        this.printMessage = "";
      },

      // -- print jobs ------------------------------------------------------------------------
      openJobs() {
        this.jobsOpen = true;
        this.loadJobs();
      },

      async loadJobs() {
        this.jobsState = "loading";
        try {
          const res = await api("GET", `/api/print-jobs${this.jobsAll ? "?all=1" : ""}`);
          if (!res.ok) {
            this.jobsState = errorMessage(res);
            return;
          }
          this.jobs = res.data.jobs;
          this.jobsState = "";
        } catch {
          this.jobsState = "서버에 연결할 수 없습니다";
        }
      },

      // -- messages --------------------------------------------------------------------------
      showToast(message) {
        this.toast = message;
        clearTimeout(this.toastTimer);
        this.toastTimer = setTimeout(() => (this.toast = ""), 4000);
      },
    }));
  });
})();
