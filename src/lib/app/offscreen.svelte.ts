/**
 * Panels out of view follow the session after the frame, not in the snapshot's own task.
 *
 * A live slider sends a snapshot per input event, and every panel that draws it adds to the time
 * before the browser can paint the gradient curve. A panel scrolled out of view needs no update
 * before that paint: it draws `Lagging`'s copy of the snapshot, which follows the live one in a
 * task after the next frame (newest only, so a burst of snapshots is drawn once). A panel on
 * screen, or scrolled back into view, draws the live one, as before.
 */
import type { Attachment } from 'svelte/attachments';
import { SvelteSet } from 'svelte/reactivity';

/** Which watched panels are out of view (an `IntersectionObserver` on each). */
export class Offscreen {
  /** Ids of the panels out of view; a panel not watched, or not yet reported, is in view. */
  #hidden = new SvelteSet<string>();
  #ids = new WeakMap<Element, string>();
  #observer: IntersectionObserver | null = null;

  /** Whether the panel `id` is out of view (reactive). */
  has(id: string): boolean {
    return this.#hidden.has(id);
  }

  /** An attachment that watches the element as the panel `id`. */
  watch(id: string): Attachment<Element> {
    return (node) => {
      // Without IntersectionObserver (a test without a DOM, an old browser) every panel is in view.
      if (typeof IntersectionObserver === 'undefined') return;
      this.#observer ??= new IntersectionObserver((entries) => {
        for (const entry of entries) {
          const panel = this.#ids.get(entry.target);
          if (panel === undefined) continue;
          if (entry.isIntersecting) this.#hidden.delete(panel);
          else this.#hidden.add(panel);
        }
      });
      this.#ids.set(node, id);
      this.#observer.observe(node);
      return () => {
        this.#observer?.unobserve(node);
        this.#ids.delete(node);
        this.#hidden.delete(id);
      };
    };
  }
}

/** Run `task` after the next frame is painted (at once, in a task, while the page is hidden). */
function afterFrame(task: () => void): void {
  if (typeof requestAnimationFrame === 'undefined' || document.visibilityState === 'hidden')
    setTimeout(task, 0);
  else requestAnimationFrame(() => setTimeout(task, 0));
}

/** A value that follows another one after the frame: `current` is the newest value `set`. */
export class Lagging<T> {
  current: T;
  #next: T;
  #scheduled = false;

  constructor(initial: T) {
    this.current = $state.raw(initial);
    this.#next = initial;
  }

  set(value: T): void {
    this.#next = value;
    if (this.#scheduled) return;
    this.#scheduled = true;
    afterFrame(() => {
      this.#scheduled = false;
      this.current = this.#next;
    });
  }
}
