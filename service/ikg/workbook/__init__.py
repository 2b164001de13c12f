"""The KI's yearly update in a spreadsheet: the template (`workbook`), `ikg export` (the graph as sheets) and
`ikg import` (sheets back into the graph's source files), each problem named at its sheet, row and column."""
