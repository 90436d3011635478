/* 권종별로 세기: counting the drawer at 마감 by note and coin (5만원 … 10원) instead of one sum.
 * The keypad types the count of the denomination aimed at; −/+ step it; the counted cash of
 * the close (till.value) is always the sum. */
import { digitsOf, won } from "./util.js";

export const DENOMS = [50000, 10000, 5000, 1000, 500, 100, 50, 10];

/** 50000 -> "5만원", 5000 -> "5천원", 500 -> "500원" */
export function denomLabel(d) {
  if (d >= 10000) return `${d / 10000}만원`;
  if (d >= 1000) return `${d / 1000}천원`;
  return `${d}원`;
}

function emptyCount() {
  return { on: false, n: {}, aim: DENOMS[0] };
}

export function countPart() {
  return {
    denoms: DENOMS,
    count: emptyCount(),
    denomLabel,

    resetCount() {
      this.count = emptyCount();
    },

    toggleCount() {
      const on = !this.count.on;
      this.count = { ...emptyCount(), on };
      if (on) this.syncCount();
    },

    aimDenom(d) {
      this.count.aim = d;
    },

    denomCount(d) {
      return Number(this.count.n[d] || 0);
    },

    denomAmount(d) {
      return won(d * this.denomCount(d));
    },

    bumpDenom(d, delta) {
      this.count.n[d] = String(Math.max(0, this.denomCount(d) + delta));
      this.count.aim = d;
      this.syncCount();
    },

    /** The keypad while counting by denomination: digits of the aimed count. */
    denomPress(key) {
      const d = this.count.aim;
      let value = String(this.count.n[d] || "");
      if (key === "back") value = value.slice(0, -1);
      else if (key === "clear") value = "";
      else value += key;
      this.count.n[d] = digitsOf(value, 5);
      this.syncCount();
    },

    syncCount() {
      const total = DENOMS.reduce((s, d) => s + d * this.denomCount(d), 0);
      this.till.value = String(total);
      this.till.error = "";
    },
  };
}
