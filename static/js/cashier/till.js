/* The till: the opening float (시작 현금) at a cashier's first log-in of the day, 교대 with or
 * without closing the shift (마감: count the drawer, see expected cash and 과부족), and cash
 * paid in, paid out or a no-sale (돈통 열기) with a reason.
 *
 *   GET  /api/shifts/current         {shift: figures | null, needs_float}
 *   POST /api/shifts                 {id, opening_float}
 *   GET  /api/shifts/ID              the figures, live
 *   POST /api/shifts/ID/close        {counted_cash} -> the figures with over_short
 *   POST /api/cash-movements         {id, kind: pay_in | pay_out | no_sale, amount, reason}
 *
 * Ids are made once per dialog, so a retry after a Wi-Fi blink never records twice. */
import { api, errorMessage } from "./api.js";
import { digitsOf, newSaleId, toInt, won } from "./util.js";

export const MOVE_KINDS = {
  pay_in: "입금",
  pay_out: "출금",
  no_sale: "돈통 열기",
};

const MOVE_REASONS = {
  pay_in: ["거스름돈 보충", "잔돈 교환"],
  pay_out: ["우유 구입", "비품 구입", "은행 입금"],
  no_sale: ["잔돈 교환", "영수증 확인", "돈통 점검"],
};

const FLOAT_QUICK = [50000, 100000, 200000];

export function tillPart() {
  return {
    shiftsReady: false, // the server answered /api/shifts/current (the feature is there)
    shift: null, // the open shift's figures
    needsFloat: false,
    suggestedFloat: 0, // the float the site's last shift was counted with
    tillOpen: "", // "" | float | close | closed | cash
    till: { id: "", value: "", kind: "pay_out", reason: "", error: "", busy: false },
    closeFigures: null, // live figures while counting
    closeResult: null, // the close's answer
    logoutForm: null,
    moveKinds: MOVE_KINDS,

    get floatQuick() {
      const s = this.suggestedFloat;
      return s > 0 && !FLOAT_QUICK.includes(s) ? [s, ...FLOAT_QUICK] : FLOAT_QUICK;
    },

    get atCafe() {
      return this.config.site.kind !== "fair";
    },

    async loadShift() {
      if (!this.atCafe) return;
      try {
        const res = await api("GET", "/api/shifts/current");
        if (!res.ok || !res.data) return;
        this.shiftsReady = true;
        this.shift = res.data.shift || null;
        this.needsFloat = Boolean(res.data.needs_float) && !this.shift;
        this.suggestedFloat = Number(res.data.suggested_float) || 0;
        if (this.needsFloat && this.config.require_shift && !this.tillOpen) this.openFloat();
      } catch {
        /* offline: asked again on the next load */
      }
    },

    resetTill(extra = {}) {
      this.till = { id: newSaleId(), value: "", kind: "pay_out", reason: "", error: "", busy: false, ...extra };
    },

    closeTill() {
      if (this.till.busy) return;
      this.tillOpen = "";
    },

    tillPress(key) {
      if (this.tillOpen === "close" && this.count.on) {
        this.denomPress(key);
        return;
      }
      let value = String(this.till.value || "");
      if (key === "back") value = value.slice(0, -1);
      else if (key === "clear") value = "";
      else value += key;
      this.till.value = digitsOf(value, 9);
      this.till.error = "";
    },

    get tillAmount() {
      return toInt(this.till.value);
    },

    /** ---- the opening float */
    openFloat() {
      this.resetTill();
      this.tillOpen = "float";
    },

    async openShift() {
      if (this.till.busy) return;
      if (this.till.value === "") {
        this.till.error = "돈통의 시작 현금을 입력하세요 (없으면 0)";
        return;
      }
      this.till.busy = true;
      try {
        const res = await api("POST", "/api/shifts", { id: this.till.id, opening_float: this.tillAmount });
        if (res.ok) {
          this.tillOpen = "";
          this.needsFloat = false;
          this.showToast(`영업을 시작했습니다 · 시작 현금 ${won(res.data.opening_float)}`);
          await this.loadShift();
        } else if (res.data?.error?.code === "shift_open") {
          this.tillOpen = "";
          this.showToast(errorMessage(res));
          await this.loadShift();
        } else {
          this.till.error = errorMessage(res, "영업을 시작하지 못했습니다");
        }
      } catch {
        this.till.error = "서버에 연결할 수 없습니다. 연결되면 다시 누르세요";
      } finally {
        this.till.busy = false;
      }
    },

    /** ---- 교대: keep the shift open, or close it with a count; then log out */
    async askShiftClose(form) {
      await this.loadShift();
      if (!this.shift) return "logout";
      return this.ask({
        title: "교대",
        message: "마감하면 돈통의 현금을 세어 과부족을 확인합니다. 마감 없이 교대하면 내 영업은 열린 채로 남습니다.",
        lines: [
          ["시작 현금", won(this.shift.opening_float)],
          ["지금 있어야 할 현금", won(this.shift.expected_cash)],
        ],
        choices: [
          { value: null, label: "취소" },
          { value: "logout", label: "교대 (마감 없이)" },
          { value: "close", label: "마감하고 교대", primary: true },
        ],
      }).then((answer) => {
        if (answer === "close") this.openClose(form);
        return answer;
      });
    },

    async openClose(form) {
      this.logoutForm = form || null;
      this.resetTill();
      this.resetCount();
      this.closeFigures = this.shift;
      this.closeResult = null;
      this.tillOpen = "close";
      try {
        const res = await api("GET", `/api/shifts/${encodeURIComponent(this.shift.id)}`);
        if (res.ok && this.tillOpen === "close") this.closeFigures = res.data;
      } catch {
        /* the figures of /api/shifts/current stay */
      }
    },

    get overShort() {
      if (!this.closeFigures || this.till.value === "") return null;
      return this.tillAmount - this.closeFigures.expected_cash;
    },

    /** "+4,500원", "−2,500원", and "0원" without a sign. */
    signed(value, sign) {
      return value ? `${sign}${won(value)}` : won(0);
    },

    overShortText(value) {
      if (value === null || value === undefined) return "";
      if (value === 0) return "0원 (맞음)";
      return value > 0 ? `+${won(value)} (남음)` : `−${won(-value)} (모자람)`;
    },

    async closeShift() {
      if (this.till.busy) return;
      if (this.till.value === "") {
        this.till.error = "돈통에서 센 현금을 입력하세요";
        return;
      }
      this.till.busy = true;
      try {
        const id = encodeURIComponent(this.closeFigures.id);
        const res = await api("POST", `/api/shifts/${id}/close`, { counted_cash: this.tillAmount });
        if (res.ok) {
          this.closeResult = res.data;
          this.shift = null;
          this.tillOpen = "closed";
        } else {
          this.till.error = errorMessage(res, "마감하지 못했습니다");
        }
      } catch {
        this.till.error = "서버에 연결할 수 없습니다. 연결되면 다시 누르세요";
      } finally {
        this.till.busy = false;
      }
    },

    methodTotals(figures) {
      const by = figures?.by_method || {};
      return Object.entries(by).map(([method, amount]) => [this.methodLabel(method), amount]);
    },

    /** After the close: log out for the next cashier (the form of the 교대 button). */
    finishClose() {
      this.tillOpen = "";
      const form = this.logoutForm || document.querySelector("form.shift-form");
      if (form) form.submit();
    },

    /** ---- 돈통: 입금, 출금, 돈통 열기 */
    openCash(kind = "pay_out") {
      this.resetTill({ kind });
      this.tillOpen = "cash";
      this.loadShift();
    },

    setMoveKind(kind) {
      this.till.kind = kind;
      this.till.reason = "";
      this.till.error = "";
      if (kind === "no_sale") this.till.value = "";
    },

    get moveReasons() {
      return MOVE_REASONS[this.till.kind] || [];
    },

    async recordMove() {
      if (this.till.busy) return;
      const t = this.till;
      const amount = t.kind === "no_sale" ? 0 : this.tillAmount;
      if (t.kind !== "no_sale" && !amount) {
        t.error = `${MOVE_KINDS[t.kind]}할 금액을 입력하세요`;
        return;
      }
      const reason = t.reason.trim();
      if (!reason) {
        t.error = "사유를 고르거나 입력하세요";
        return;
      }
      t.busy = true;
      try {
        const res = await api("POST", "/api/cash-movements", { id: t.id, kind: t.kind, amount, reason });
        if (res.ok) {
          this.tillOpen = "";
          const what = t.kind === "no_sale" ? "돈통을 열었습니다" : `${MOVE_KINDS[t.kind]} ${won(amount)}을 기록했습니다`;
          this.showToast(`${what} · ${reason}`);
          this.loadShift();
        } else {
          t.error = errorMessage(res, "기록하지 못했습니다");
        }
      } catch {
        t.error = "서버에 연결할 수 없습니다. 연결되면 다시 누르세요";
      } finally {
        t.busy = false;
      }
    },
  };
}
