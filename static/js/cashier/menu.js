/* The product menu: loading the catalog, category tabs, search (초성 too) and barcode scans. */
import { api, errorMessage, NetworkError } from "./api.js";
import { hangulIncludes } from "./hangul.js";

/** Longest scanned text quoted back in a message, so a stuck scanner cannot fill the screen. */
const QUOTE_MAX = 30;

export function menuPart() {
  return {
    catalog: { categories: [], products: [] },
    catalogState: "loading", // loading | ready | stale | error
    category: "전체",
    query: "",

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

    /** 전체 and the categories that have something to show (at a booth: its vendor's). */
    get tabs() {
      const cats = this.catalog.categories || [];
      if (!this.atFair || !this.booth) return ["전체", ...cats];
      const mine = new Set(this.catalog.products.filter((p) => this.atMyBooth(p)).map((p) => p.category));
      return ["전체", ...cats.filter((c) => mine.has(c))];
    },

    get visibleProducts() {
      const q = this.query.trim().toLowerCase();
      return this.catalog.products.filter((p) => {
        if (!this.atMyBooth(p)) return false;
        if (q) {
          return (
            hangulIncludes(p.name, q) ||
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
      if (p.low && !p.sold_out) return ""; // the 곧 품절 badge says it
      return p.track_stock && p.on_hand !== null ? `재고 ${p.on_hand}` : "";
    },

    /** Enter in the search box: a scanner typed a barcode (or someone typed a SKU). A code that
     * matches nothing is named in a message and cleared, so the next scan starts clean and the
     * menu is back in full. */
    searchEnter() {
      const q = this.query.trim();
      if (!q) return;
      const lower = q.toLowerCase();
      let hit = this.catalog.products.find(
        (p) =>
          this.atMyBooth(p) &&
          ((p.barcode && p.barcode === q) || (p.sku || "").toLowerCase() === lower),
      );
      const visible = this.visibleProducts;
      if (!hit && visible.length === 1) hit = visible[0];
      if (hit) {
        this.query = "";
        this.addProduct(hit);
        return;
      }
      if (visible.length) return; // several names match: the cashier picks one on the grid
      const quoted = q.length > QUOTE_MAX ? `${q.slice(0, QUOTE_MAX)}…` : q;
      this.showToast(
        /[가-힣ㄱ-ㅎ]/.test(q)
          ? `찾는 상품이 없습니다: ${quoted}`
          : `등록되지 않은 바코드입니다: ${quoted}`,
      );
      this.query = "";
    },

    /** Keystrokes with nothing focused (a barcode scanner) go to the search box. */
    onGlobalKey(ev) {
      if (this.screen !== "sell" || this.modalOpen) return;
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
  };
}
