// Lets screens navigate without importing the router instance (which imports the screens).
type Navigate = (to: string, options?: { replace?: boolean }) => void;

let impl: Navigate = (to) => {
  location.assign(to);
};

export function setNavigator(fn: Navigate): void {
  impl = fn;
}

export function navigate(to: string, options?: { replace?: boolean }): void {
  impl(to, options);
}
