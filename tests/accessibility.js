// What the browser tests check on every page: headings one level at a time from a single h1; every form
// field and image named for assistive technology; tables with headers; the page's language declared.
() => {
  const problems = [];
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => Number(h.tagName[1]));
  if (levels[0] !== 1 || levels.filter((level) => level === 1).length !== 1) {
    problems.push(`headings start with h${levels[0]} and hold ${levels.filter((l) => l === 1).length} h1`);
  }
  levels.forEach((level, i) => {
    if (i > 0 && level > levels[i - 1] + 1) {
      problems.push(`heading jumps from h${levels[i - 1]} to h${level}`);
    }
  });
  for (const field of document.querySelectorAll("input:not([type=hidden]), textarea, select")) {
    const named = field.labels?.length || field.getAttribute("aria-label") || field.getAttribute("aria-labelledby");
    if (!named) {
      problems.push(`unlabelled field ${field.id || field.name}`);
    }
  }
  for (const image of document.querySelectorAll("img:not([alt])")) {
    problems.push(`image without alt: ${image.src}`);
  }
  for (const table of document.querySelectorAll("table")) {
    if (!table.querySelector("th")) {
      problems.push("table without headers");
    }
  }
  if (!document.documentElement.lang) {
    problems.push("no lang on html");
  }
  return problems;
}
