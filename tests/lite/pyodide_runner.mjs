// Runs a Python file inside a real Pyodide (the npm package, Node 20), with a host folder mounted.
// usage: node pyodide_runner.mjs <pyodide dir> <job dir> <python file inside the job dir>
// The job dir is mounted at /job (NODEFS); the Python file writes its results there.
import { pathToFileURL } from "node:url";
import path from "node:path";

const [pyodideDir, jobDir, script] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
pyodide.FS.mkdirTree("/job");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: jobDir }, "/job");
try {
  pyodide.runPython(`exec(compile(open("/job/${script}", encoding="utf-8").read(), "/job/${script}", "exec"), {"__name__": "__main__"})`);
} catch (err) {
  console.error(String(err));
  process.exit(3);
}
