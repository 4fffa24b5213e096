// Asks before a form marked data-confirm removes something. Saying OK sends the form with
// confirm=yes, so the server removes at once; without this script the server asks on a page of
// its own, so a removal is never one click away either way.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (!window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (!form.querySelector('input[name="confirm"]')) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = 'confirm';
    input.value = 'yes';
    form.append(input);
  }
});
