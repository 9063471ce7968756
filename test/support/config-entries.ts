// Config entries as an operator writes them (the router's JSON array), for a test vCenter.

export interface VcenterLogin {
  sdkUrl: string;
  username: string;
  password: string;
}

/** A `stream` entry for this vCenter with exactly the given options. */
export function vcsimStreamEntry(
  vcsim: VcenterLogin,
  options: Record<string, unknown>,
  name?: string,
): Record<string, unknown> {
  return {
    type: 'stream',
    provider: 'vmware_vcenter',
    ...(name === undefined ? {} : { name }),
    address: vcsim.sdkUrl,
    auth: {
      method: 'user_password',
      secret: { username: vcsim.username, password: vcsim.password },
    },
    options,
  };
}

/** The stream the end-to-end tests follow: named `vcsim`, trusting its CA, polling fast,
 * reading its whole history. */
export function vcsimFollowedFromStart(vcsim: VcenterLogin & { caFile: string }) {
  const options = {
    ca_file: vcsim.caFile,
    poll_interval: '100ms',
    page_size: 50,
    start_from: 'beginning',
  };
  return vcsimStreamEntry(vcsim, options, 'vcsim');
}
