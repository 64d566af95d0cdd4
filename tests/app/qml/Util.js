.pragma library
// Finds the first item named `name` under `item` (depth first), or null.
function find(item, name) {
    if (!item) return null
    if (item.objectName === name) return item
    const kids = item.children || []
    for (let i = 0; i < kids.length; ++i) {
        const f = find(kids[i], name)
        if (f) return f
    }
    // A Control's contentItem and a Window's are not always among its children.
    if (item.contentItem && item.contentItem !== item) {
        const f = find(item.contentItem, name)
        if (f) return f
    }
    return null
}

// Every visible item that takes keyboard focus (Tab) and has no accessible name.
function unnamedFocusable(item, out, path) {
    if (!item || !item.visible) return out
    const here = path + "/" + (item.objectName || item.toString().split("(")[0])
    if (item.activeFocusOnTab && item.enabled) {
        const acc = item.Accessible
        const name = acc ? acc.name : ""
        if (!name || String(name).trim().length === 0) out.push(here)
    }
    const kids = item.children || []
    for (let i = 0; i < kids.length; ++i) unnamedFocusable(kids[i], out, here)
    return out
}

// Every item named `name` under `item`.
function findAll(item, name, out) {
    out = out || []
    if (!item) return out
    if (item.objectName === name) out.push(item)
    const kids = item.children || []
    for (let i = 0; i < kids.length; ++i) findAll(kids[i], name, out)
    return out
}
