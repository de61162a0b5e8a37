// "Copy" buttons: copy the text of the element named by data-copy, and say so next to the button.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  const said = button.parentElement.querySelector(".copied");
  const text = source.innerText.trim();
  const done = (words) => { if (said) said.textContent = words; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => done("Copied."), () => done("Select the text and copy it."));
  } else {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    done(document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C to copy.");
  }
});
