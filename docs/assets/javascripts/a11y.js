// Accessibility fixes for Material's markup, loaded through extra_javascript in mkdocs.yml.
// Material's search overlay has role="dialog" but no accessible name (axe rule aria-dialog-name);
// name it after its input's placeholder so screen readers announce "Search".
document.querySelectorAll(".md-search[role='dialog']").forEach((dialog) => {
  if (!dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
    dialog.setAttribute("aria-label", "Search");
  }
});
