// New project: the default-class select offers exactly the classes typed above it, as they are typed.
for (const select of document.querySelectorAll("select[data-classes-from]")) {
  const source = document.getElementById(select.dataset.classesFrom);
  const refill = () => {
    const chosen = select.value;
    const names = [...new Set(source.value.split(/[,\n]/).map((part) => part.trim().replace(/\s+/g, " "))
      .filter(Boolean))];
    select.replaceChildren(new Option("The first class", ""), ...names.map((name) => new Option(name, name)));
    select.value = names.includes(chosen) ? chosen : "";
  };
  source.addEventListener("input", refill);
  refill();
}
