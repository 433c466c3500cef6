/** workerd configs for the tests: one worker (a bundle plus the pager as a wasm module), optional bindings and network. */
export interface WorkerdOptions {
  /** The bundle's file name, next to the config. */
  main: string;
  /** Text bindings, e.g. { CONTROL: 'http://127.0.0.1:…' }. */
  bindings?: Record<string, string>;
  /** Let fetch() reach 127.0.0.1 (workerd's default outbound allows only public addresses). */
  localNetwork?: boolean;
}

export function workerdConfig({ main, bindings = {}, localNetwork = false }: WorkerdOptions): string {
  const network = localNetwork ? ', (name = "internet", network = (allow = ["public", "private", "local"]))' : '';
  const texts = Object.entries(bindings).map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .worker)${network}]);
const worker :Workerd.Worker = (
  modules = [(name = "main.mjs", esModule = embed "${main}"), (name = "pager.wasm", wasm = embed "pager.wasm")],
  compatibilityDate = "2026-11-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [${texts.join(', ')}],${localNetwork ? '\n  globalOutbound = "internet",' : ''}
);
`;
}
