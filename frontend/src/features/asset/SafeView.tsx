/** Shows a summary, or a note when a document's shape defeats it: the raw JSON below it still
 * holds everything, so one odd record never takes the page down. */
import { Component, type ReactNode } from "react";

interface State {
  failed: boolean;
}

export class SafeView extends Component<{ children: ReactNode }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override render() {
    if (this.state.failed) {
      return <p className="asset-note">This document has a shape the page cannot summarise; its raw JSON is below.</p>;
    }
    return this.props.children;
  }
}
