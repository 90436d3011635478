/* 품절 in one tap: with 품절 관리 on (top bar), a tap on a product marks it sold out for the rest
 * of today at this site, a second tap sells it again (POST /api/catalog/availability). Off, the
 * menu sells as usual. Items about to run out carry a 곧 품절 badge (`low` from /api/catalog). */
import { api, errorMessage } from "./api.js";

export function availabilityPart() {
  return {
    soldOutMode: false,
    availabilityBusy: null, // the product id being changed

    toggleSoldOutMode() {
      this.soldOutMode = !this.soldOutMode;
      if (this.soldOutMode) this.showToast("품절로 표시하거나 되돌릴 상품을 누르세요");
    },

    /** A product tile was tapped: sell it, or in 품절 관리 change its mark. */
    tapProduct(p) {
      if (this.soldOutMode) this.toggleSoldOut(p);
      else this.addProduct(p);
    },

    /** Out of stock (tracked, none left) cannot be undone by a mark: say so. */
    outOfStock(p) {
      return p.track_stock && p.on_hand !== null && p.on_hand <= 0;
    },

    async toggleSoldOut(p) {
      if (this.availabilityBusy) return;
      const soldOut = !p.sold_out;
      if (!soldOut && this.outOfStock(p)) {
        this.showToast(`${p.name}: 재고가 없어 품절입니다. 입고하면 다시 팝니다`);
        return;
      }
      this.availabilityBusy = p.id;
      try {
        const res = await api("POST", "/api/catalog/availability", {
          product_id: p.id,
          sold_out: soldOut,
        });
        if (!res.ok) {
          this.showToast(errorMessage(res, "품절 표시를 바꾸지 못했습니다"));
          return;
        }
        p.sold_out = typeof res.data?.sold_out === "boolean" ? res.data.sold_out : soldOut;
        this.store.set("catalog", this.catalog);
        this.showToast(p.sold_out ? `${p.name}: 오늘 품절로 표시했습니다` : `${p.name}: 다시 판매합니다`);
        this.loadCatalog();
      } catch {
        this.showToast("서버에 연결할 수 없습니다 (Wi-Fi 확인)");
      } finally {
        this.availabilityBusy = null;
      }
    },

    /** "곧 품절 3개" on a tile of an item at or below its low-stock threshold. */
    lowText(p) {
      if (!p.low || p.sold_out) return "";
      return p.on_hand !== null && p.on_hand !== undefined ? `곧 품절 ${p.on_hand}개` : "곧 품절";
    },
  };
}
