"""The printable documents of a case (.docx): one module per document, each `render(case) -> bytes`;
`catalogue` lists them."""
