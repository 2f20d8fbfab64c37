/** The part of a browser's document a download needs (this package is typed without the DOM). */
export interface DownloadingDocument {
  createElement(tagName: "a"): { href: string; download: string; click(): void };
}

/**
 * Saves text the API answered as a file the browser downloads. What needs the caller's token in a header (a plain link
 * cannot send one) comes through the API client, then leaves as a Blob.
 */
export function saveTextFile(document: DownloadingDocument, file: { name: string; text: string; type: string }): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: file.name });
  link.click();
  // The click has started the download: the text can go.
  setTimeout(() => URL.revokeObjectURL(url));
}
