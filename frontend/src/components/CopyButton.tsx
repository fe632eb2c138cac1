import { useState } from "react";

/** Copies text to the clipboard and says so for a moment (to screen readers too). */
export function CopyButton({ text, label = "Copy", className = "" }: { text: string; label?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Without clipboard permission (plain http on another host), fall back to a selection copy.
      const area = document.createElement("textarea");
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 1500);
  };
  return (
    <button type="button" className={`button button-small ${className}`} onClick={copy} aria-label={`${label}: ${text.length > 80 ? "" : text}`.trim()}>
      <span aria-live="polite">{copied ? "Copied" : label}</span>
    </button>
  );
}
