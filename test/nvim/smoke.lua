-- Neovim 0.7 as a real LSP client of wsp-lsp (issue 6, "Tested in real editors").
--
-- Run headless from the repository root:
--   timeout 60 nvim --headless -u NONE -i NONE -n -c 'luafile test/nvim/smoke.lua'
-- (-i NONE -n: no shada or swap file left in the user's folders)
-- It starts the built server (dist/bin/wsp-lsp.js) on examples/deadlock_ring.wsp, waits for the
-- deadlock diagnostic, hovers and goes to the definition of the kernel, applies the diagnostic's
-- quick fix and waits for the diagnostic to go. Every expected position is found by reading the
-- example, not copied from the server's output. Findings go to $WSP_NVIM_RESULT (default
-- test/artifacts/nvim-smoke.txt); the exit status is 0 on success and 1 (`:cquit 1`) otherwise.

local script = debug.getinfo(1, "S").source:sub(2)
local REPO = vim.fn.fnamemodify(script, ":p:h:h:h")
local RESULT = os.getenv("WSP_NVIM_RESULT") or (REPO .. "/test/artifacts/nvim-smoke.txt")
local EXAMPLE = REPO .. "/examples/deadlock_ring.wsp"
local SERVER = REPO .. "/dist/bin/wsp-lsp.js"
local WAIT_MS = 20000 -- per step; the whole run is bounded by the caller's `timeout 60`

local findings = {}
local function note(line) table.insert(findings, line) end

-- A failed expectation: recorded, then raised to stop the run (later steps depend on it).
local function expect(ok, what, detail)
  if ok then
    note("ok    " .. what)
    return
  end
  error("FAIL  " .. what .. (detail and (": " .. detail) or ""), 0)
end

-- 0-based line and byte column (the file is ASCII, so also UTF-16) of the first match of `pattern`
-- at or after line `from`, and the captured text when the pattern captures.
local function find(lines, pattern, from)
  for i = (from or 0) + 1, #lines do
    local s, _, capture = lines[i]:find(pattern)
    if s then return i - 1, s - 1, capture end
  end
  error("FAIL  example no longer contains " .. pattern, 0)
end

-- What the example says the editor must see.
local function expectations()
  local lines = vim.fn.readfile(EXAMPLE)
  local declLine, _, kernel = find(lines, "^kernel%s+([%w_]+)%s*%(")
  local declCol = lines[declLine + 1]:find(kernel, 1, true) - 1
  -- The first call of the kernel, inside the first process: the one the hover and definition ask about.
  local callLine, callCol = find(lines, "[^%w_]" .. kernel .. "%(", declLine + 1)
  callCol = callCol + 1
  -- The ring: the first process opens with a `recv` on a channel that only the other process sends on.
  local recvLine, recvCol = find(lines, "recv%s+[%w_]+%s+from%s+[%w_]+")
  return {
    kernel = kernel,
    decl = { line = declLine, character = declCol },
    call = { line = callLine, character = callCol },
    recv = { line = recvLine, character = recvCol },
  }
end

local function request(buf, method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, WAIT_MS)
  expect(responses ~= nil, method .. " answered", err)
  for _, r in pairs(responses) do
    expect(r.err == nil, method .. " succeeded", r.err and vim.inspect(r.err))
    return r.result
  end
  error("FAIL  " .. method .. ": no client answered", 0)
end

-- The deadlock analysis's diagnostics (WSP09xx): the deadlock error and the warnings about the code
-- it makes unreachable, which all go once the deadlock is fixed.
local function deadlock_diagnostics(buf)
  return vim.tbl_filter(function(d) return type(d.code) == "string" and d.code:match("^WSP09%d%d$") end, vim.diagnostic.get(buf))
end

local function deadlock_errors(buf)
  return vim.tbl_filter(function(d) return d.severity == vim.diagnostic.severity.ERROR end, deadlock_diagnostics(buf))
end

local function start_server()
  local exited
  local id = vim.lsp.start_client({
    name = "wsp-lsp",
    cmd = { "node", SERVER, "--stdio" },
    root_dir = REPO,
    on_exit = function(code, signal) exited = ("server exited with code %d, signal %d"):format(code, signal) end,
  })
  expect(id ~= nil, "vim.lsp.start_client started " .. SERVER)
  return id, function() return exited end
end

local function run()
  expect(vim.fn.filereadable(SERVER) == 1, "the server is built", SERVER .. " is missing: run `npm run build`")
  local want = expectations()
  note(("info  kernel `%s` declared at %d:%d, called at %d:%d; first recv at line %d (0-based)"):format(
    want.kernel, want.decl.line, want.decl.character, want.call.line, want.call.character, want.recv.line))

  local client_id, exit_reason = start_server()
  vim.cmd("edit " .. vim.fn.fnameescape(EXAMPLE))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = "wsp" -- -u NONE loads no filetype detection; didOpen sends this as languageId
  expect(vim.lsp.buf_attach_client(buf, client_id), "buffer attached")
  local uri = vim.uri_from_bufnr(buf)

  -- 1. The deadlock error, at the first process's blocked recv.
  vim.wait(WAIT_MS, function() return #deadlock_errors(buf) > 0 or exit_reason() ~= nil end, 50)
  local found = deadlock_errors(buf)
  expect(#found == 1, "one deadlock error (WSP09xx) arrived",
    exit_reason() or ("diagnostics: " .. vim.inspect(vim.diagnostic.get(buf))))
  local diag = found[1]
  note(("info  %s at %d:%d: %s"):format(diag.code, diag.lnum, diag.col, diag.message))
  expect(diag.lnum == want.recv.line and diag.col == want.recv.character,
    ("it is at %d:%d (the first recv)"):format(want.recv.line, want.recv.character), ("got %d:%d"):format(diag.lnum, diag.col))

  -- 2. Hover on the kernel call names the kernel.
  local pos = { textDocument = { uri = uri }, position = want.call }
  local hover = request(buf, "textDocument/hover", pos)
  local text = hover and hover.contents and (hover.contents.value or vim.inspect(hover.contents)) or ""
  expect(text:find("kernel " .. want.kernel, 1, true) ~= nil, "hover names `kernel " .. want.kernel .. "`", text)

  -- 3. Definition of the kernel call is its declaration's name.
  local def = request(buf, "textDocument/definition", pos)
  if def and def[1] then def = def[1] end
  local range = def and (def.range or def.targetSelectionRange)
  expect(def ~= nil and (def.uri or def.targetUri) == uri and range.start.line == want.decl.line
    and range.start.character == want.decl.character,
    ("definition is the declaration at %d:%d"):format(want.decl.line, want.decl.character), vim.inspect(def))

  -- 4. The quick fix, asked for as `vim.lsp.buf.code_action()` asks: with the line's diagnostics.
  local actions = request(buf, "textDocument/codeAction", {
    textDocument = { uri = uri },
    range = { start = { line = diag.lnum, character = diag.col }, ["end"] = { line = diag.end_lnum, character = diag.end_col } },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, diag.lnum), only = { "quickfix" } },
  }) or {}
  local fix
  for _, a in ipairs(actions) do
    if a.kind == "quickfix" and a.edit then
      for _, d in ipairs(a.diagnostics or {}) do
        if d.code == diag.code then fix = fix or a end
      end
    end
  end
  expect(fix ~= nil, "a quick fix with an edit for " .. diag.code, vim.inspect(actions))
  note("info  applying quick fix: " .. fix.title)
  vim.lsp.util.apply_workspace_edit(fix.edit, vim.lsp.get_client_by_id(client_id).offset_encoding)
  expect(vim.bo[buf].modified, "the edit changed the buffer")
  note("info  line " .. diag.lnum .. " now reads: " .. vim.api.nvim_buf_get_lines(buf, diag.lnum, diag.lnum + 1, true)[1])

  -- 5. The server re-checks the edited buffer: the deadlock diagnostic goes, and no other error comes.
  vim.wait(WAIT_MS, function() return #deadlock_diagnostics(buf) == 0 or exit_reason() ~= nil end, 50)
  expect(#deadlock_diagnostics(buf) == 0, "the deadlock diagnostics are gone after the fix",
    exit_reason() or vim.inspect(deadlock_diagnostics(buf)))
  local errors = vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR })
  expect(#errors == 0, "no error remains", vim.inspect(errors))

  vim.lsp.stop_client(client_id)
end

local ok, err = pcall(run)
if not ok then note(tostring(err)) end
vim.fn.mkdir(vim.fn.fnamemodify(RESULT, ":h"), "p")
vim.fn.writefile(findings, RESULT)
if ok then vim.cmd("qall!") else vim.cmd("cquit 1") end
