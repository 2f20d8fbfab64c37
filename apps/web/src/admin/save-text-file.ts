/** Has the browser save `text` as a file named `name`, as a link with `download` does. */
export function saveTextFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: the download has started from the link by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
