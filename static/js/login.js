/* 꿈이든 POS: the log-in page. Tap your name, then your PIN on the big keypad. */
"use strict";

document.addEventListener("alpine:init", () => {
  window.Alpine.data("pinLogin", () => ({
    mode: "pin", // "pin" (cashier tiles + keypad) or "password" (managers, admins)
    username: "",
    name: "",
    pin: "",
    adminUsername: "",
    submitting: false,

    init() {
      // After a wrong PIN the server redirects to /login?user=NAME: open that keypad again.
      const wanted = this.$root.dataset.preselect;
      if (wanted) {
        const tile = Array.from(this.$root.querySelectorAll(".tile")).find(
          (t) => t.dataset.username === wanted,
        );
        if (tile) {
          this.choose(tile.dataset.username, tile.dataset.name);
        } else {
          this.adminUsername = wanted;
          this.mode = "password";
        }
      }
      // A hardware keyboard works too: digits, Backspace and Enter.
      window.addEventListener("keydown", (ev) => {
        if (this.mode !== "pin" || !this.username) return;
        if (/^[0-9]$/.test(ev.key)) this.press(ev.key);
        else if (ev.key === "Backspace") this.back();
        else if (ev.key === "Enter") this.submit();
        else return;
        ev.preventDefault();
      });
    },

    choose(username, name) {
      this.username = username;
      this.name = name;
      this.pin = "";
    },

    press(digit) {
      if (this.pin.length < 6) this.pin += digit;
    },

    back() {
      this.pin = this.pin.slice(0, -1);
    },

    reset() {
      this.username = "";
      this.name = "";
      this.pin = "";
    },

    submit() {
      if (this.pin.length >= 4 && !this.submitting) this.$refs.pinForm.requestSubmit();
    },

    showPassword() {
      this.mode = "password";
      this.$nextTick(() => this.$refs.adminUser.focus());
    },
  }));
});
