// Model updates from a release channel (docs/deploy.md): which version to load at start, background
// downloads of a newer compatible version, switching on consent or at the next start, rollback when a new
// version fails to load, and deleting versions no longer needed. State lives in localStorage.
//
//   start:    a downloaded update (pending) becomes current; the version it replaces is kept as previous
//   loaded:   nothing deleted yet; the previous version stays until the current one has answered once
//   failed:   a current version that never answered and fails to load is rolled back to previous
//   answered: previous is forgotten and every cached file no kept version needs is deleted

import { pruneBundleCache, type LoadProgress } from '../worker/bundle-loader';
import { incompatibility, parseManifest } from '../worker/manifest';
import { chooseVariant, downloadInBackground, fetchChannel, type ChannelEntry, type Variant } from '../worker/release-channel';
import { isNewer } from '../worker/versions';

export interface InstalledVersion {
  version: string;
  manifestUrl: string;
  variant: string;
}

interface ReleaseState {
  channelUrl: string;
  channelName: string;
  current?: InstalledVersion;
  previous?: InstalledVersion;
  pending?: InstalledVersion;
  /** Whether `current` has answered once (only then is `previous` dropped). */
  confirmed: boolean;
  /** Manifests that failed to load: never offered again. */
  failed: string[];
}

const STATE_KEY = 'worldmodel.release';
const CLIENT_ID_KEY = 'worldmodel.client-id';

/** This browser's random id, created once: the A/B variant is assigned from it. */
export function clientId(): string {
  let id = localStorage.getItem(CLIENT_ID_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(CLIENT_ID_KEY, id);
  }
  return id;
}

export interface UpdateNotice {
  text: string;
  kind: 'info' | 'ready' | 'warning' | 'error';
  /** A "switch now" button: the update applies after a reload. */
  switchNow?: boolean;
}

export class ReleaseUpdates {
  private state: ReleaseState;
  /** The channel's variants, for the settings panel (after the first channel read). */
  variants: Variant[] = [];
  assignedVariant = '';

  constructor(
    readonly channelUrl: string,
    readonly channelName: string,
    /** The variant the user picked in settings ('' = the assigned one); a change is applied by checkForUpdate. */
    public variantOverride: string,
    private readonly notify: (notice: UpdateNotice) => void,
  ) {
    const channel = new URL(channelUrl, location.href).href;
    let stored: Partial<ReleaseState> = {};
    try {
      stored = JSON.parse(localStorage.getItem(STATE_KEY) ?? '{}');
    } catch {
      // a corrupted entry: start over (cached files are found again by their digests)
    }
    const sameChannel = stored.channelUrl === channel && stored.channelName === channelName;
    this.state = sameChannel ? { confirmed: true, failed: [], ...stored, channelUrl: channel, channelName } : { channelUrl: channel, channelName, confirmed: true, failed: [] };
    this.save();
  }

  get current(): InstalledVersion | undefined {
    return this.state.current;
  }

  private save() {
    localStorage.setItem(STATE_KEY, JSON.stringify(this.state));
  }

  /** The manifest to load now: a downloaded update replaces the current version here (which is kept). */
  async startupManifest(): Promise<string> {
    const s = this.state;
    if (s.pending) {
      s.previous = s.current && s.confirmed ? s.current : (s.previous ?? s.current);
      s.current = s.pending;
      s.pending = undefined;
      s.confirmed = false;
      this.save();
    }
    if (s.current) return s.current.manifestUrl;
    const offer = await this.channelOffer();
    s.current = { version: offer.entry.version, manifestUrl: offer.manifestUrl, variant: offer.variant.name };
    s.confirmed = true; // a first install has nothing to roll back to
    this.save();
    return s.current.manifestUrl;
  }

  /**
   * The version to fall back to after `manifestUrl` failed to load, or null. Only a version that has never
   * answered is rolled back, and only for faults of the bundle itself: offline is not a reason.
   */
  rollback(manifestUrl: string, error: Error & { code?: string }): InstalledVersion | null {
    const s = this.state;
    if (error.code === 'network' || s.confirmed || !s.previous || s.current?.manifestUrl !== manifestUrl) return null;
    const failed = s.current;
    s.failed = [...new Set([...s.failed, failed.manifestUrl])];
    s.current = s.previous;
    s.previous = undefined;
    s.confirmed = true;
    this.save();
    this.notify({ text: `Version ${failed.version} failed to load (${error.message}). Rolled back to version ${s.current.version}.`, kind: 'error' });
    return s.current;
  }

  /** The current version answered a question: the one it replaced and unneeded files can go. */
  async answered(): Promise<void> {
    const s = this.state;
    if (s.confirmed) return;
    s.confirmed = true;
    s.previous = undefined;
    this.save();
    await this.prune();
  }

  private async prune() {
    const s = this.state;
    const keep = [s.current, s.previous, s.pending].filter((v): v is InstalledVersion => !!v).map((v) => v.manifestUrl);
    await pruneBundleCache(keep).catch(() => 0);
  }

  private async channelOffer(): Promise<{ entry: ChannelEntry; variant: Variant; manifestUrl: string }> {
    const channel = await fetchChannel(this.state.channelUrl);
    const entry = channel.channels[this.channelName];
    if (!entry) throw new Error(`The release channel ${this.state.channelUrl} has no "${this.channelName}" channel.`);
    this.variants = entry.variants;
    this.assignedVariant = (await chooseVariant(entry.variants, clientId())).name;
    const variant = await chooseVariant(entry.variants, clientId(), this.variantOverride);
    return { entry, variant, manifestUrl: new URL(variant.manifest, this.state.channelUrl).href };
  }

  /**
   * Reads the channel; when it names a newer version (or another variant) than the current one, checks that
   * this app can run it and downloads it in the background (only files not already saved), then offers it.
   */
  async checkForUpdate(onProgress: (p: LoadProgress) => void = () => {}): Promise<void> {
    if (!navigator.onLine) return;
    const s = this.state;
    let offer;
    try {
      offer = await this.channelOffer();
    } catch (e) {
      this.notify({ text: `Could not check for a newer model: ${(e as Error).message}`, kind: 'warning' });
      return;
    }
    const { entry, variant, manifestUrl } = offer;
    const current = s.current;
    const differentVariant = current !== undefined && variant.name !== current.variant;
    if (!current || manifestUrl === current.manifestUrl || manifestUrl === s.pending?.manifestUrl) return;
    if (!differentVariant && !isNewer(entry.version, current.version)) return;
    if (s.failed.includes(manifestUrl)) return; // it failed to load once here
    let manifest;
    try {
      const response = await fetch(manifestUrl, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      manifest = parseManifest(new Uint8Array(await response.arrayBuffer()), manifestUrl);
    } catch (e) {
      this.notify({ text: `Version ${entry.version} is published but its manifest could not be read (${(e as Error).message}).`, kind: 'warning' });
      return;
    }
    const reason = incompatibility(manifest);
    if (reason) {
      this.notify({ text: `Version ${entry.version} is available but was refused: ${reason}`, kind: 'warning' });
      return;
    }
    this.notify({ text: `Downloading version ${entry.version}${differentVariant ? ` (variant ${variant.name})` : ''} in the background…`, kind: 'info' });
    try {
      const result = await downloadInBackground(manifestUrl, onProgress);
      s.pending = { version: entry.version, manifestUrl, variant: variant.name };
      this.save();
      const mb = (result.downloadedBytes / 1048576).toFixed(1);
      this.notify({
        text:
          `Version ${entry.version}${differentVariant ? ` (variant ${variant.name})` : ''} is ready: downloaded ${result.downloadedFiles} of ` +
          `${result.totalFiles} files (${mb} MB), ${result.cachedFiles} unchanged files reused. It is used from the next start.`,
        kind: 'ready',
        switchNow: true,
      });
    } catch (e) {
      this.notify({ text: `Downloading version ${entry.version} failed: ${(e as Error).message} The current version stays.`, kind: 'warning' });
    }
  }
}
