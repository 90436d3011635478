/* A manager's approval typed on the cashier's tablet: a discount over the site's limit, a
 * refund, a void. The server asks for it (403 approval_required); the dialog takes the
 * manager's name (a tile, or typed) and PIN on a keypad, and the call is made again with
 * `approver: {username, pin}`. A wrong PIN (403 approval_refused, 423 when locked) opens the
 * dialog again with the server's Korean message. The PIN is never written to localStorage. */
import { api, errorMessage } from "./api.js";

const PIN_MAX = 12;

/** Does this answer ask for (another) approval? */
export function wantsApproval(res) {
  const code = res?.data?.error?.code;
  return (
    (res?.status === 403 || res?.status === 423) &&
    (code === "approval_required" || code === "approval_refused")
  );
}

export function approvalPart() {
  let resolver = null; // outside the reactive state

  return {
    approval: null, // {title, message, error, username, pin, typing, password, busy}
    lastApprover: "", // the name last approved with, offered first next time

    get approverChoices() {
      return this.config.approvers || [];
    },

    /** Resolves {username, pin}, or null when the cashier gives up. */
    askApproval({ title = "매니저 승인", message = "", error = "" } = {}) {
      if (resolver) resolver(null);
      const choices = this.approverChoices;
      const keep = this.approval?.username || this.lastApprover;
      this.approval = {
        title,
        message,
        error,
        username: keep || (choices.length === 1 ? choices[0].username : ""),
        pin: "",
        typing: !choices.length || Boolean(keep && !choices.some((c) => c.username === keep)),
        password: "", // an admin without a PIN types the password instead
        busy: false,
      };
      return new Promise((resolve) => {
        resolver = resolve;
      });
    },

    approverName(username) {
      const hit = this.approverChoices.find((a) => a.username === username);
      return hit ? hit.name : username;
    },

    pickApprover(username) {
      this.approval.username = username;
      this.approval.typing = false;
      this.approval.error = "";
    },

    approvalPress(key) {
      const a = this.approval;
      if (key === "back") a.pin = a.pin.slice(0, -1);
      else if (key === "clear") a.pin = "";
      else if (a.pin.length < PIN_MAX) a.pin += key;
      a.error = "";
    },

    approvalOk() {
      const a = this.approval;
      const username = a.username.trim();
      if (!username) {
        a.error = "승인할 매니저를 고르세요";
        return;
      }
      if (a.typing && a.password) {
        this.lastApprover = username;
        this.finishApproval({ username, password: a.password });
        return;
      }
      if (a.pin.length < 4) {
        a.error = "PIN 4자리 이상을 입력하세요";
        return;
      }
      this.lastApprover = username;
      this.finishApproval({ username, pin: a.pin });
    },

    approvalCancel() {
      this.finishApproval(null);
    },

    finishApproval(value) {
      const resolve = resolver;
      resolver = null;
      if (value === null) this.approval = null;
      else Object.assign(this.approval, { pin: "", password: "", busy: true }); // never kept
      if (resolve) resolve(value);
    },

    closeApproval() {
      this.approval = null;
    },

    /** POST ``path`` with ``body``; when the server asks for a manager's approval, ask for it
     * and post again with it. Resolves the last answer, or null when the cashier gave up.
     * Throws NetworkError (api.js) when the server could not be reached. */
    async postApproved(path, body, ask) {
      let approver = null;
      for (;;) {
        let res;
        try {
          res = await api("POST", path, approver ? { ...body, approver } : body);
        } catch (err) {
          this.closeApproval();
          throw err;
        }
        if (!wantsApproval(res)) {
          this.closeApproval();
          return res;
        }
        const refused = res.data.error.code === "approval_refused";
        approver = await this.askApproval({ ...ask, error: refused ? errorMessage(res) : "" });
        if (!approver) return null;
      }
    },
  };
}
