// Accessibility fixes the theme's own markup needs (axe-core rules, checked on every page by
// tests/test_site_a11y.py):
// - scrollable-region-focusable: a table wider than the screen scrolls inside its wrapper; the wrapper gets
//   tabindex="0", a region role and a name, so a keyboard user can reach it and scroll it with the arrow keys.
// - aria-dialog-name: the search dialog gets a name.
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap, i) {
      if (wrap.hasAttribute("tabindex")) return;
      const caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table " + (i + 1) + " (scrolls sideways)");
    });
    document.querySelectorAll('.md-search[role="dialog"]').forEach(function (dialog) {
      if (!dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search this site");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fix);
  else fix();
})();
