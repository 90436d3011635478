// Back office: htmx sends the CSRF token with every request it makes (Flask-WTF checks the
// X-CSRFToken header), and a form with data-confirm asks before it is sent.
const token = document.querySelector('meta[name="csrf-token"]')?.content;

document.body.addEventListener("htmx:configRequest", (event) => {
  if (token) event.detail.headers["X-CSRFToken"] = token;
});

document.body.addEventListener("htmx:responseError", (event) => {
  // the server answers Korean JSON errors from the API and Korean pages otherwise
  let message = "요청을 처리하지 못했습니다. 잠시 뒤 다시 시도하세요.";
  try {
    message = JSON.parse(event.detail.xhr.responseText).error.message || message;
  } catch (_) {
    /* a page, not JSON: keep the general message */
  }
  const box = document.getElementById("bo-toast");
  if (box) {
    box.textContent = message;
    box.hidden = false;
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
