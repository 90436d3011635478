/* At a fair: which vendor's booth this tablet sells for, or the 공동 계산대 (joint checkout of
 * every vendor's goods). The choice is the server's (POST /api/booth, kept in the session) and
 * the tablet's (localStorage), so a 교대 keeps it: after a new log-in the tablet tells the server
 * again. The menu shows only the booth's vendor's products. */
import { api, errorMessage } from "./api.js";

const FAIR_POLL_MS = 20000;
/** What the cashier reads while the fair does not sell (the server says the same on a sale). */
const NOT_SELLING = {
  planned: "행사가 아직 시작되지 않았습니다. 행사담당자가 장터를 열면 판매할 수 있습니다",
  closed: "마감된 행사입니다. 더 판매할 수 없습니다",
};

/** A vendor as the catalog or the fair names it: {brn?, id?, name, booth?}. */
function sameVendor(a, b) {
  if (!a || !b) return false;
  if (a.brn && b.brn) return a.brn === b.brn;
  if (a.id != null && b.id != null) return a.id === b.id;
  return a.name === b.name;
}

export function boothPart() {
  return {
    booth: null, // null = 공동 계산대; else {brn, name, booth}
    boothChosen: false, // this tablet made a choice (else the picker opens at a fair)
    boothOpen: false,
    boothVendors: [], // [{brn, name, booth, id?}]
    boothBusy: false,
    boothError: "",
    fairNotice: "", // the server's message when the fair does not sell (409 fair_not_open)
    fairState: "", // planned | open | closed, as last read from /api/fairs/CODE
    fairMethods: null, // the payment methods the fair takes (null: not known, all shown)

    get atFair() {
      return this.config.site.kind === "fair";
    },

    get boothLabel() {
      if (!this.booth) return "공동 계산대";
      return this.booth.booth ? `${this.booth.booth} ${this.booth.name}` : this.booth.name;
    },

    /** Called from init(): the server's booth, the tablet's remembered choice, the vendors. */
    async initBooth() {
      if (!this.atFair) return;
      const fairRead = this.refreshFair();
      setInterval(() => this.refreshFair(), FAIR_POLL_MS);
      const saved = this.store.get("booth");
      if (saved && saved.chosen) {
        this.booth = saved.booth || null;
        this.boothChosen = true;
      }
      let server;
      try {
        const res = await api("GET", "/api/booth");
        if (!res.ok) return;
        server = res.data || {};
      } catch {
        return; // offline: keep the remembered booth
      }
      if (Array.isArray(server.vendors)) this.boothVendors = server.vendors;
      const serverBrn = server.brn ?? server.booth?.brn ?? null;
      if (this.boothChosen) {
        const mine = this.booth ? this.booth.brn : null;
        if (mine !== serverBrn) await this.sendBooth(this.booth); // new session after 교대
      } else {
        await fairRead; // a closed fair sells nothing: its banner says so, no picker on top
        if (this.fairState !== "closed") this.openBooth();
      }
    },

    /** The fair's state and payment methods: a notice while it does not sell, cleared once it
     * opens; methods it does not take are not offered on the payment step. */
    async refreshFair() {
      try {
        const res = await api("GET", `/api/fairs/${encodeURIComponent(this.config.site.code)}`);
        if (!res.ok || !res.data) return;
        const before = this.fairState;
        this.fairState = res.data.state;
        if (Array.isArray(res.data.payment_methods)) this.fairMethods = res.data.payment_methods;
        // a method the organiser just dropped is not left picked on the payment step
        if (this.pay && !this.methodAccepted(this.pay.method)) this.selectMethod(this.firstMethod());
        if (this.fairState === "open") {
          if (before && before !== "open") this.showToast("장터가 열렸습니다. 판매할 수 있습니다");
          this.fairNotice = "";
        } else if (!this.fairNotice || before !== this.fairState) {
          this.fairNotice = NOT_SELLING[this.fairState] || "";
        }
        if (this.fairState === "closed") this.boothOpen = false;
      } catch {
        /* offline: the next sale's answer says it */
      }
    },

    /** Does this site take this payment method? (every method away from a fair) */
    methodAccepted(method) {
      return !this.atFair || !this.fairMethods || this.fairMethods.includes(method);
    },

    /** The vendor a cart line's receipt goes to, shown at the 공동 계산대. */
    lineVendor(line) {
      if (!this.atFair || this.booth) return "";
      const p = this.productById(line.product_id);
      return p && p.vendor ? p.vendor.name : "";
    },

    /** The fair's vendors: /api/booth's list if it gave one, else the catalog's vendors. */
    get boothChoices() {
      if (this.boothVendors.length) return this.boothVendors;
      const seen = new Map();
      for (const p of this.catalog.products) {
        if (p.vendor && !seen.has(p.vendor.name)) seen.set(p.vendor.name, p.vendor);
      }
      return Array.from(seen.values());
    },

    openBooth() {
      this.boothError = "";
      this.boothOpen = true;
    },

    async chooseBooth(vendor) {
      const booth = vendor
        ? { brn: vendor.brn, id: vendor.id, name: vendor.name, booth: vendor.booth || "" }
        : null;
      if (await this.sendBooth(booth)) {
        this.boothOpen = false;
        this.category = "전체";
        this.showToast(booth ? `${this.boothLabel} 부스로 판매합니다` : "공동 계산대로 판매합니다");
      }
    },

    async sendBooth(booth) {
      this.boothBusy = true;
      this.boothError = "";
      try {
        const res = await api("POST", "/api/booth", { brn: booth ? booth.brn : null });
        if (!res.ok) {
          this.boothError = errorMessage(res, "부스를 정하지 못했습니다");
          return false;
        }
        this.booth = booth;
        this.boothChosen = true;
        this.store.set("booth", { chosen: true, booth });
        this.emptyCartOfOthers();
        this.loadCatalog(); // the server may filter the menu by booth
        return true;
      } catch {
        this.boothError = "서버에 연결할 수 없습니다 (Wi-Fi 확인)";
        return false;
      } finally {
        this.boothBusy = false;
      }
    },

    /** Is this product sold at this tablet's booth? (every product at the 공동 계산대) */
    atMyBooth(p) {
      if (!this.atFair || !this.booth) return true;
      return sameVendor(p.vendor, this.booth);
    },

    /** A booth sells only its vendor's goods: lines of another vendor leave the cart. */
    emptyCartOfOthers() {
      if (!this.booth) return;
      const keep = this.cart.lines.filter((l) => {
        const p = this.productById(l.product_id);
        return !p || this.atMyBooth(p);
      });
      if (keep.length !== this.cart.lines.length) {
        this.cart.lines = keep;
        this.saveCart();
      }
    },
  };
}
