// Review page: a new share link's URL goes to the clipboard as soon as it is shown (S-1).
const copy = async (input) => {
  try {
    await navigator.clipboard.writeText(input.value);
    input.dataset.copied = "true";
  } catch {
    input.select(); // no clipboard access: leave it selected for Ctrl+C
  }
};

document.body.addEventListener("htmx:afterSwap", (event) => {
  const input = event.target.querySelector("[data-share-url]");
  if (input) copy(input);
});
document.body.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (button) copy(button.parentElement.querySelector("[data-share-url]"));
});
