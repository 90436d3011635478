/* The cart: lines with their options, quantities and discounts (discount.js), kept in
 * localStorage at every change. */

export function cartPart() {
  return {
    cart: { lines: [], discount: null }, // discount: {won | pct, reason} off the whole order
    clearArmed: false,

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
      if (line.qty <= 0) {
        this.removeLine(line);
        return;
      }
      this.fitLineDiscount(line);
      this.saveCart();
    },

    removeLine(line) {
      this.cart.lines = this.cart.lines.filter((l) => l.key !== line.key);
      if (!this.cart.lines.length) this.cart.discount = null;
      else this.fitLineDiscount(this.cart.lines[0]);
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
      this.emptyCart();
    },

    emptyCart() {
      this.cart = { lines: [], discount: null };
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
  };
}
