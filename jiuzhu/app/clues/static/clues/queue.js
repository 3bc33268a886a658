// "Select all on this page" for the batch assignment (the CSP allows no inline script).
document.addEventListener("change", (event) => {
  const box = event.target;
  const name = box instanceof HTMLInputElement ? box.dataset.selectAll : undefined;
  if (!name) return;
  for (const b of document.querySelectorAll(`input[name="${name}"]`)) b.checked = box.checked;
});
