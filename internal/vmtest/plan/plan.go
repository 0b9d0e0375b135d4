// Package plan is what the host tells the guest's /init to do; the host
// writes it as JSON to Path in the initramfs.
package plan

// Path of the plan inside the guest.
const Path = "/vmtest/plan.json"

// Plan is read by guestinit.
type Plan struct {
	Modules []Module          `json:"modules"` // modules to load, in order
	Wait    []string          `json:"wait"`    // device nodes to wait for before running
	Env     map[string]string `json:"env"`     // added to the environment of every run
	Runs    []Run             `json:"runs"`    // programs run in turn, console as stdio
	// Exec, if set, is executed by /init (staying PID 1) after the set-up
	// instead of the runs: an init such as systemd, which must start
	// /init again as a service (runner mode: it then makes the runs,
	// prints Done and powers off).
	Exec []string `json:"exec,omitempty"`
}

// Module is a kernel module file and its parameters.
type Module struct {
	Path   string `json:"path"`
	Params string `json:"params,omitempty"`
}

// Run is one program run by /init.
type Run struct {
	Name string   `json:"name"`
	Path string   `json:"path"`
	Dir  string   `json:"dir,omitempty"` // working directory; default /tmp
	Args []string `json:"args"`
}

// Console line prefixes shared by guestinit and the host.
const (
	Init  = "VMTEST INIT"  // "VMTEST INIT <uptime seconds>": /init started
	Warn  = "VMTEST WARN"  // a setup problem (module load, missing device)
	Exit  = "VMTEST EXIT"  // "VMTEST EXIT <name> <code>" after each run
	Done  = "VMTEST DONE"  // "VMTEST DONE <code> <code> ...": all runs finished
	Ask   = "VMTEST ASK"   // "VMTEST ASK <request>" from a guest test
	Reply = "VMTEST REPLY" // "VMTEST REPLY <answer>" from the host on stdin
)
