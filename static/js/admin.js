// The admin as the portal configures it: names for what Django's admin leaves unnamed.
(() => {
  "use strict";

  // An autocomplete box (select2) is named by its field's label, or by the name the select
  // carries (a line of an inline: "Kelurahan, baris 2").
  const name = (selection) => {
    const container = selection.closest(".select2-container");
    const select = container && container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    const text = select.getAttribute("aria-label") || (label && label.textContent.replace(/:\s*$/, "").trim());
    if (!text) return;
    // The box, the text showing the choice, and the search field of a multiple choice.
    const parts = [selection, ...selection.querySelectorAll(".select2-selection__rendered, .select2-search__field")];
    parts.forEach((part) => {
      part.removeAttribute("aria-labelledby");
      part.setAttribute("aria-label", text);
    });
  };
  const nameAll = (root) => root.querySelectorAll(".select2-selection").forEach(name);
  // A multiple choice's "clear all" button is drawn straight inside its list of choices,
  // where only list items belong: it gets a list item of its own, which takes no room
  // (static/css/admin.css), so select2 still lays it out and hears its clicks.
  const unlist = (clear) => {
    const list = clear.parentElement;
    if (!list || !list.matches("ul.select2-selection__rendered")) return;
    const item = document.createElement("li");
    item.className = "select2-clear-item";
    clear.before(item);
    item.append(clear);
  };
  new MutationObserver((changes) => changes.forEach((change) => change.addedNodes.forEach((node) => {
    if (node.nodeType === 1) {
      if (node.matches(".select2-selection")) name(node);
      if (node.matches(".select2-selection__clear")) unlist(node);
      nameAll(node);
      node.querySelectorAll(".select2-selection__clear").forEach(unlist);
    }
  }))).observe(document.documentElement, { childList: true, subtree: true });

  // A list of lines wider than the screen scrolls: the keyboard must reach it too.
  const focusable = () => document.querySelectorAll(".inline-group, .results").forEach((region) => {
    if (region.scrollWidth > region.clientWidth || region.scrollHeight > region.clientHeight) {
      region.tabIndex = 0;
    }
  });
  document.addEventListener("DOMContentLoaded", () => { nameAll(document); focusable(); });
  window.addEventListener("resize", focusable);
})();
