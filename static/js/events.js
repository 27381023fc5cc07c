// Events: the copy button beside the calendar feed address on "My registrations".
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById("feed-copied");
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
    } catch (error) {
      document.execCommand("copy");
    }
    if (status) status.textContent = status.dataset.copiedText;
  });
});
