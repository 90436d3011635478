// Report filters: a select (매장, 단위) or the month picker sends the form as soon as it
// changes; dates wait for 보기, since people change both ends of a range.
export function autosubmit(form) {
  if (!form) return;
  for (const field of form.querySelectorAll("[data-autosubmit]")) {
    field.addEventListener("change", () => {
      if (field.type === "month" && !field.value) return;
      form.requestSubmit();
    });
  }
  form.addEventListener("submit", () => {
    // "전체 매장" is no filter at all: leave it out of the address
    const site = form.querySelector('select[name="site"]');
    if (site && !site.value) site.disabled = true;
  });
}

autosubmit(document.getElementById("r-filters"));
