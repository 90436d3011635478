// Users page: the new-user form shows the PIN for cashiers (and organisers, optional) and the
// password for everyone else, following the chosen role. Without script both stay visible.
const select = document.querySelector("[data-role-select]");
const pin = document.querySelector('[data-secret="pin"]');
const password = document.querySelector('[data-secret="password"]');

function follow() {
  if (!select || !pin || !password) return;
  const role = select.value;
  pin.hidden = !(role === "cashier" || role === "organiser");
  password.hidden = role === "cashier";
}

select?.addEventListener("change", follow);
follow();
