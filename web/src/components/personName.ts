// How a user is named on screen: "First Last", or the email when it has no
// name (users made on the command line, such as the first admin, may have
// none), so a link or heading naming it is never empty.
export function personName(u: { first_name: string; last_name: string; email: string }): string {
  return `${u.first_name} ${u.last_name}`.trim() || u.email
}
