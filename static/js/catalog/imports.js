// Import upload: the chosen file's name beside the Korean 파일 고르기 button (the browser's own
// file input speaks the browser's language, so it is hidden).
const input = document.getElementById("file");
const shown = document.querySelector(".imp-file-name");
if (input && shown) {
  input.addEventListener("change", () => {
    shown.textContent = input.files.length ? input.files[0].name : shown.dataset.empty;
  });
}
