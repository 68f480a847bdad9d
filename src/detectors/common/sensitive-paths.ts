// Paths whose access is a security event, shared by the command detector (paths inside shell
// commands) and the path detector (paths given to file tools such as read/write/edit/apply_patch),
// so "a secret" or "a persistence location" means the same thing in both.

/** Credentials and private keys: SSH, cloud, package registries, browsers, keychains, OpenClaw's own secrets. */
export const SECRET_RES: readonly RegExp[] = [
  /(?:^|[\s/'"=@:<(])\.ssh\/+(?:id_[a-z0-9_]+|identity|[\w.-]*_key)(?![\w.]*\.pub)\b/i,
  /\bid_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?\b(?![\w.]*\.pub)/,
  /\.aws\/+(?:credentials|config)\b/,
  /(?:^|[\s/'"=@:<(])\.(?:aws|ssh|gnupg|kube|password-store|openclaw)\/*(?=$|[\s'")])/,
  /\.kube\/+config\b/,
  /(?:^|[\s/'"=@:<(])\.(?:netrc|git-credentials|pgpass|my\.cnf|pypirc|npmrc|vault-token|boto|s3cfg|dockercfg)\b/,
  /\.docker\/+config\.json/,
  /\.config\/+(?:gh\/+hosts\.yml|gcloud\/+(?:credentials|application_default_credentials|legacy_credentials|access_tokens)|hub\b|rclone\/+rclone\.conf)/,
  /\.azure\/+(?:accessTokens|msal_token_cache|azureProfile)/,
  /\/etc\/+(?:g?shadow-?|sudoers|master\.passwd|security\/+opasswd|ssh\/+ssh_host_\w+_key(?!\.pub))\b/,
  /\/proc\/+(?:self|\d+|\$\$?\w*)\/+environ\b/,
  /(?:^|[\s/'"=@:<(])\.(?:bash|zsh|sh|mysql|psql|python|node_repl)_history\b/,
  /\.gnupg\/+(?:private-keys|secring|trustdb)/,
  /\.password-store\//,
  /Login Data|Web Data|\blogins\.json\b|\bkey[34]\.db\b|\bcookies\.sqlite\b|\/Cookies\b|Local State\b/,
  /Library\/+Keychains\/|\.keychain(?:-db)?\b/,
  // macOS stores of private data that the OS itself guards with privacy permissions (TCC): messages,
  // mail, Safari history, contacts, notes, and the permission database itself.
  /Library\/+(?:Messages\b|Mail\b|Safari\/+History\.db|Application Support\/+(?:AddressBook|com\.apple\.TCC)\b|Group Containers\/+group\.com\.apple\.notes\b)/,
  /\.openclaw\/+(?:credentials|secrets|auth[\w-]*|\.env|identity|devices|agents\/+[^/\s]+\/+agent\/+auth)/,
  /\.openclaw\/+openclaw\.json\b/,
  /\/proc\/+[^/]{1,40}\/+mem\b|(?:^|[\s=])\/dev\/+k?mem\b/,
  /(?:^|[\s/'"=@:<(])\.env(?:\.(?:local|prod|production|dev|development|staging|test))?(?=$|[\s'")])/,
  /\bwallet\.dat\b|\.electrum\/|\.bitcoin\//,
];
/** The local account database (readable by everyone, but a write target for backdoors). */
export const ACCOUNT_DB = /\/etc\/+(?:passwd|group)\b/;

/** Locations whose content runs later or grants access: persistence and system-auth files. */
export const PERSIST_RES: readonly RegExp[] = [
  /authorized_keys2?\b/,
  /\/etc\/+sudoers(?:\.d)?\b/,
  /\/etc\/+(?:cron(?:tab|\.d|\.daily|\.hourly|\.weekly|\.monthly)|anacrontab)\b|\/var\/+spool\/+cron\b/,
  /\/(?:etc|lib|usr\/+lib|run)\/+systemd\/+(?:system|user)[\w./-]*|\.config\/+systemd\/+user\b/,
  /\/etc\/+ld\.so\.preload\b/,
  /\/etc\/+(?:profile(?:\.d)?|bash\.bashrc|zsh\/+zshrc|environment|rc\.local|init\.d|update-motd\.d|pam\.d|security\/+pam|xdg\/+autostart)\b/,
  /Library\/+(?:LaunchAgents|LaunchDaemons|StartupItems)\b/,
  /\.config\/+autostart\b/,
  /\/etc\/+(?:passwd|shadow|group|gshadow)\b/,
  /\/lib(?:64)?\/+security\/+pam_/,
  /\.git\/+hooks\//,
  /\.openclaw\/+(?:openclaw\.json|exec-approvals)/,
];
/** Shell start-up files (run by every new shell). */
export const RC_FILE = /(?:^|\/|~)\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|zlogin|kshrc|cshrc|tcshrc|xinitrc|xprofile|xsession)(?:\.d\/|(?![\w.-]))|\.config\/+fish\/+config\.fish/;

/** ClawShield's config and evidence (default names; README "Where state and keys live") and its plugin folder. */
export const GUARD_FILE = /(?:^|\/)(?:clawshield\.toml|openclaw-rs\.toml|\.clawshield)(?:\/|$)|\/clawshield\/+(?:state\.db|decisions\.jsonl|quarantine)|\.openclaw\/+(?:extensions|plugins)\/+clawshield/i;

/** System files: programs, libraries, boot files and kernel settings (a write changes the host for everyone). */
export const SYSTEM_FILE = /^\/+(?:(?:etc|usr|bin|sbin|lib(?:32|64|x32)?|boot|sys)\/|proc\/+(?:sys\/|sysrq-trigger))/;

/** A PATH value that starts in the current folder or a world-writable one, so planted programs win. */
export const INSECURE_PATH_HEAD = /^(?::|\.(?::|\/|$)|\/+(?:tmp|var\/+tmp|dev\/+shm)(?:\/|:|$))/;

export function anyRe(res: readonly RegExp[], s: string): boolean {
  for (const re of res) if (re.test(s)) return true;
  return false;
}
