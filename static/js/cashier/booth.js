/* At a fair: which vendor's booth this tablet sells for, or the 공동 계산대 (joint checkout of
 * every vendor's goods). The choice is the server's (POST /api/booth, kept in the session) and
 * the tablet's (localStorage), so a 교대 keeps it: after a new log-in the tablet tells the server
 * again. The menu shows only the booth's vendor's products. */
import { api, errorMessage } from "./api.js";

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
        this.openBooth();
      }
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
