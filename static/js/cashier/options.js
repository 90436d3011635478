/* The options dialog (HOT/ICE, 사이즈, 샷 추가 …) opened by a product that has option groups. */

import { withObjectParticle } from "./hangul.js";

export function optionsPart() {
  return {
    dialog: null, // {product, counts: {optionId: n}}

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
        this.showToast(`${withObjectParticle(this.dialogMissing.join(", "))} 선택하세요`);
        return;
      }
      this.addLine(this.dialog.product, this.chosenOptions());
      this.dialog = null;
    },
  };
}
