-- Turns one of the guides in docs/ into a manual page, so the guide stays the only source.
-- pandoc runs it with metadata from packaging/man/build-man.mjs:
--   name, section, summary   this page (NAME line: "name - summary")
--   manref                   "guide.md=page(section)" for every guide that is a page
--   docdir                   where the package installs the other guides
-- The guide's own title (its first level-1 heading) gives way to NAME; its level-2 sections
-- become the page's sections. Links to other guides become page references when the guide
-- is a page, or the installed path of the guide otherwise; links into the source tree keep
-- only their text (the page outlives the checkout).

local name, section, summary, docdir
local pages = {} -- guide file name -> "page(section)"

local function text(value)
  return pandoc.utils.stringify(value)
end

local function read_meta(meta)
  name = text(meta.name)
  section = text(meta.section)
  summary = text(meta.summary)
  docdir = text(meta.docdir)
  local refs = meta.manref
  if refs ~= nil and refs.t ~= 'MetaList' and refs[1] == nil then refs = { refs } end
  for _, ref in ipairs(refs or {}) do
    local file, page = text(ref):match('^([^=]+)=(.+)$')
    if file then pages[file] = page end
  end
  return meta
end

-- "config.md", "docs/config.md#anchor", "../docs/config.md" -> "config.md"; nil if not a guide.
local function guide_of(target)
  if target:match('^%a[%w+.-]*:') then return nil end -- a URL
  local path = target:gsub('#.*$', '')
  if not path:match('%.md$') then return nil end
  if path:match('^%.%./') and not path:match('^%.%./docs/') then return nil end
  return path:match('([^/]+)$')
end

local function is_external(target)
  return target:match('^https?:') ~= nil or target:match('^mailto:') ~= nil
end

local function link(el)
  if is_external(el.target) then return nil end
  local guide = guide_of(el.target)
  local label = text(el.content)
  if guide == nil or guide:match('^README') then return el.content end
  local page = pages[guide]
  local where = page or (docdir .. '/' .. guide)
  -- "[docs/config.md](config.md)": the label is only the path, so say the page instead.
  if label:match('%.md$') or label:match('%.md#') then return { pandoc.Str(where) } end
  local out = el.content
  table.insert(out, pandoc.Space())
  table.insert(out, pandoc.Str('(' .. where .. ')'))
  return out
end

-- A table becomes a list of tagged paragraphs, as manual pages show options: the first cell is
-- the tag, each other non-empty cell a paragraph, led by its column's heading when there are
-- several. Wide tables squeezed into 80 columns by tbl read worse and make groff complain.
local function blocks_of(cell)
  local out = {}
  for _, b in ipairs(cell.contents) do table.insert(out, b) end
  return out
end

local function inlines_of(blocks)
  local out = {}
  for i, b in ipairs(blocks) do
    if i > 1 then table.insert(out, pandoc.Space()) end
    for _, x in ipairs(b.content or {}) do table.insert(out, x) end
  end
  return out
end

local function table_to_list(tbl)
  local headings = {}
  for _, row in ipairs(tbl.head.rows) do
    for i, cell in ipairs(row.cells) do headings[i] = text(cell.contents) end
  end
  local items = {}
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      local term, lines = nil, {}
      for i, cell in ipairs(row.cells) do
        local inl = inlines_of(blocks_of(cell))
        if #inl == 0 then
          -- an empty cell says nothing
        elseif term == nil then
          term = inl
        else
          if #row.cells > 2 and headings[i] and headings[i] ~= '' then
            table.insert(inl, 1, pandoc.Space())
            table.insert(inl, 1, pandoc.Emph({ pandoc.Str(headings[i] .. ':') }))
          end
          table.insert(lines, inl)
        end
      end
      local para = {}
      for i, inl in ipairs(lines) do
        if i > 1 then table.insert(para, pandoc.RawInline('man', '\n.br\n')) end
        for _, x in ipairs(inl) do table.insert(para, x) end
      end
      if term then table.insert(items, { term, { #para > 0 and { pandoc.Para(para) } or {} } }) end
    end
  end
  return pandoc.DefinitionList(items)
end

local function page(doc)
  local blocks = {}
  local dropped_title = false
  for _, block in ipairs(doc.blocks) do
    if block.t == 'Header' and block.level == 1 and not dropped_title then
      dropped_title = true
    elseif block.t == 'Header' then
      block.level = math.max(1, block.level - 1)
      if block.level == 1 then block.content = { pandoc.Str(text(block.content):upper()) } end
      table.insert(blocks, block)
    else
      table.insert(blocks, block)
    end
  end

  local head = {
    pandoc.Header(1, { pandoc.Str('NAME') }),
    pandoc.Para({ pandoc.Str(name), pandoc.Space(), pandoc.RawInline('man', '\\-'), pandoc.Space(), pandoc.Str(summary) }),
  }
  for i = #head, 1, -1 do table.insert(blocks, 1, head[i]) end

  local others = {}
  for _, ref in pairs(pages) do
    if ref ~= name .. '(' .. section .. ')' then table.insert(others, ref) end
  end
  table.sort(others)
  local see = {}
  for i, ref in ipairs(others) do
    local n, s = ref:match('^(.+)(%(%d%))$')
    table.insert(see, pandoc.Strong({ pandoc.Str(n) }))
    table.insert(see, pandoc.Str(s .. (i < #others and ',' or '')))
    if i < #others then table.insert(see, pandoc.Space()) end
  end
  -- The guide's own "See also", when it has one, gets the pages first; else the page ends with one.
  local at
  for i, block in ipairs(blocks) do
    if block.t == 'Header' and block.level == 1 and text(block.content) == 'SEE ALSO' then at = i end
  end
  if at then
    table.insert(blocks, at + 1, pandoc.Para(see))
  else
    table.insert(blocks, pandoc.Header(1, { pandoc.Str('SEE ALSO') }))
    table.insert(blocks, pandoc.Para(see))
  end

  doc.meta.title = pandoc.MetaInlines({ pandoc.Str(name:upper()) })
  return pandoc.Pandoc(blocks, doc.meta)
end

return {
  { Meta = read_meta },
  { Link = link, Table = table_to_list },
  { Pandoc = page },
}
