// Package privs drops root: it looks up the user and groups the daemon runs
// as and switches every thread of the process to them.
package privs
