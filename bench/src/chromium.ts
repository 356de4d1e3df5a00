import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Cdp } from './cdp.js'
import { reap, stop } from './reap.js'

export const CHROMIUM = process.env.TABMQ_CHROMIUM ?? '/usr/bin/chromium'

/** The project's flags for every headless Chromium it runs. */
export const PROJECT_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/**
 * The rest of what Playwright 1.65 passes when it launches Chromium headless (its
 * `chromiumSwitches` and headless extras), so that the control compares drivers, not flags. The
 * ones that matter for a flood: no timer throttling or backgrounding of pages, and no IPC flooding
 * protection. The feature lists name Google services and test-only behaviours; copied as they are.
 */
export const PLAYWRIGHT_PARITY_FLAGS = [
  '--headless',
  '--disable-field-trial-config',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-back-forward-cache',
  '--disable-breakpad',
  '--disable-component-extensions-with-background-pages',
  '--no-default-browser-check',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--allow-pre-commit-input',
  '--disable-hang-monitor',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-renderer-backgrounding',
  '--force-color-profile=srgb',
  '--metrics-recording-only',
  '--password-store=basic',
  '--use-mock-keychain',
  '--no-service-autorun',
  '--hide-scrollbars',
  '--mute-audio',
  '--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,OptimizationHints,NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,msForceBrowserSignIn,msEdgeUpdateLaunchServicesPreferredVersion',
  '--enable-features=CDPScreenshotNewSurface,SkipListAccountsWithoutGaiaCookies',
  '--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4',
  '--disable-edgeupdater',
  '--disable-updater-scheduler',
  '--disable-search-engine-choice-screen',
  '--unsafely-disable-devtools-self-xss-warnings',
  '--enable-unsafe-swiftshader',
  '--edge-skip-compat-layer-relaunch',
  '--disable-stack-profiler',
  '--disable-infobars',
  '--do-not-de-elevate',
  '--no-startup-window',
]

/** A page, reached over its own flat DevTools session on which nothing is enabled. */
export class Tab {
  constructor(
    private readonly cdp: Cdp,
    readonly targetId: string,
    readonly sessionId: string,
  ) {}

  /** Runtime.evaluate by value; `awaitPromise` waits in the page, with no polling from here. */
  async evaluate<T>(expression: string, awaitPromise = false): Promise<T> {
    const r = await this.cdp.send<{ result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
      'Runtime.evaluate',
      { expression, awaitPromise, returnByValue: true },
      this.sessionId,
    )
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`)
    return r.result.value as T
  }

  /** A command on this target's session (the memory readings use two; measurements use none). */
  send<T>(method: string, params: object = {}): Promise<T> {
    return this.cdp.send<T>(method, params, this.sessionId)
  }

  close(): Promise<unknown> {
    return this.cdp.send('Target.closeTarget', { targetId: this.targetId })
  }
}

/** A browser context: its own storage partition, so its own SharedWorker (like a fresh profile). */
export class Context {
  constructor(
    private readonly cdp: Cdp,
    readonly id: string,
  ) {}

  /** Opens `url` in a new window of this context (each its own visible page) and attaches to it. */
  async newTab(url: string): Promise<Tab> {
    const { targetId } = await this.cdp.send<{ targetId: string }>('Target.createTarget', { url, browserContextId: this.id, newWindow: true })
    const { sessionId } = await this.cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true })
    return new Tab(this.cdp, targetId, sessionId)
  }

  /** A worker of this context (`shared_worker`), attached like a page, for reading its heap. */
  async attachWorker(type: 'shared_worker' | 'worker'): Promise<Tab | undefined> {
    const { targetInfos } = await this.cdp.send<{ targetInfos: { targetId: string; type: string; browserContextId?: string }[] }>('Target.getTargets')
    const info = targetInfos.find(t => t.type === type && t.browserContextId === this.id)
    if (!info) return undefined
    const { sessionId } = await this.cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId: info.targetId, flatten: true })
    return new Tab(this.cdp, info.targetId, sessionId)
  }

  /** Closes every page of the context and drops its storage (its SharedWorker ends with it). */
  close(): Promise<unknown> {
    return this.cdp.send('Target.disposeBrowserContext', { browserContextId: this.id })
  }
}

/** Headless Chromium launched by us with a fresh profile, driven over a bare DevTools websocket. */
export class BareBrowser {
  private constructor(
    readonly process: ChildProcess,
    readonly cdp: Cdp,
    readonly version: string,
  ) {}

  get pid(): number {
    return this.process.pid!
  }

  static async launch(): Promise<BareBrowser> {
    const dir = mkdtempSync(join(tmpdir(), 'tabmq-bench-chromium-'))
    const args = [...PROJECT_FLAGS, ...PLAYWRIGHT_PARITY_FLAGS, `--user-data-dir=${dir}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0']
    // Its own process group: renderers and zygotes go with it.
    const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
    reap(child, { group: true, dir })
    const url = await new Promise<string>((resolve, reject) => {
      const lines: string[] = []
      const timer = setTimeout(() => reject(new Error(`Chromium did not start in 30 s:\n${lines.join('\n')}`)), 30_000)
      child.once('exit', code => reject(new Error(`Chromium exited (${code}) while starting:\n${lines.join('\n')}`)))
      createInterface({ input: child.stderr! }).on('line', line => {
        lines.push(line)
        const m = /^DevTools listening on (ws:\/\/\S+)/.exec(line)
        if (m) {
          clearTimeout(timer)
          resolve(m[1]!)
        }
      })
    })
    const cdp = await Cdp.connect(url)
    const { product } = await cdp.send<{ product: string }>('Browser.getVersion')
    return new BareBrowser(child, cdp, product)
  }

  async newContext(): Promise<Context> {
    const { browserContextId } = await this.cdp.send<{ browserContextId: string }>('Target.createBrowserContext', { disposeOnDetach: true })
    return new Context(this.cdp, browserContextId)
  }

  async close(): Promise<void> {
    this.cdp.close()
    await stop(this.process)
  }
}
