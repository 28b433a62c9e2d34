// OpsConsole browser glue: the connection indicator and the keyboard shortcuts. Kept small on purpose.
(function () {
    "use strict";

    const states = {
        live: { text: "Live", css: "live" },
        reconnecting: { text: "Reconnecting…", css: "reconnecting" },
        offline: { text: "Offline", css: "offline" },
    };

    function showConnection(name) {
        const state = states[name];
        document.querySelectorAll("#ops-connection").forEach(el => {
            el.className = "ops-connection ops-connection--" + state.css;
            el.dataset.state = name;
            const text = el.querySelector(".ops-connection__text");
            if (text) text.textContent = state.text;
        });
        const banner = document.getElementById("ops-offline-banner");
        if (banner) {
            banner.hidden = name === "live";
            banner.textContent = name === "offline"
                ? "Offline: the console server cannot be reached. What you see is out of date. Reload when it is back."
                : "Connection to the server lost. What you see may be out of date; reconnecting…";
        }
    }

    function watchReconnect() {
        const host = document.getElementById("components-reconnect-modal");
        if (!host) return;
        host.addEventListener("components-reconnect-state-changed", event => {
            switch (event.detail.state) {
                case "show":
                case "retrying":
                    showConnection("reconnecting");
                    break;
                case "hide":
                    showConnection("live");
                    break;
                case "failed":
                case "resume-failed":
                    showConnection("offline");
                    // Keep trying in the background: an operator leaves this open all shift.
                    setTimeout(retry, 5000);
                    break;
                case "rejected":
                    location.reload();
                    break;
            }
        });
    }

    async function retry() {
        try {
            const ok = await Blazor.reconnect();
            if (!ok) {
                const resumed = await Blazor.resumeCircuit();
                if (!resumed) location.reload();
            }
        } catch {
            showConnection("offline");
            setTimeout(retry, 5000);
        }
    }

    // Menus (the user menu in the top bar): a button with aria-expanded that shows the list it controls. Opening and
    // closing happen here, without the server, so the menu works while the circuit is down; Enter or Space opens (and
    // puts focus on the first item), arrow keys, Home and End move, Tab moves on, Esc closes back to the button.
    const menuOf = el => el && el.closest ? el.closest("[data-ops-menu]") : null;
    const menuButton = menu => menu.querySelector("button[aria-controls]");
    const menuItems = menu => [...menu.querySelectorAll("[data-menu-item]")];

    function setMenuOpen(menu, open, focus) {
        const button = menuButton(menu);
        const list = document.getElementById(button.getAttribute("aria-controls"));
        button.setAttribute("aria-expanded", open ? "true" : "false");
        list.hidden = !open;
        if (open && focus) {
            const items = menuItems(menu);
            (focus === "last" ? items[items.length - 1] : items[0]).focus();
        } else if (!open && focus) {
            button.focus();
        }
    }

    const isMenuOpen = menu => menuButton(menu).getAttribute("aria-expanded") === "true";

    document.addEventListener("click", e => {
        const menu = menuOf(e.target);
        const button = menu && e.target.closest("button[aria-controls]");
        if (button) {
            // A click from the keyboard (Enter, Space) has no pointer detail: it takes focus into the list.
            setMenuOpen(menu, !isMenuOpen(menu), e.detail === 0 ? "first" : null);
        } else if (menu && e.target.closest("[data-menu-item]") && isMenuOpen(menu)) {
            setMenuOpen(menu, false);
        }
        document.querySelectorAll("[data-ops-menu]").forEach(other => {
            if (other !== menu && isMenuOpen(other)) setMenuOpen(other, false);
        });
    });

    document.addEventListener("keydown", e => {
        const menu = menuOf(e.target);
        if (!menu) return;
        const items = menuItems(menu);
        const at = items.indexOf(e.target);
        let next = null;
        switch (e.key) {
            case "ArrowDown": next = at < 0 ? 0 : (at + 1) % items.length; break;
            case "ArrowUp": next = at < 0 ? items.length - 1 : (at - 1 + items.length) % items.length; break;
            case "Home": next = at < 0 ? null : 0; break;
            case "End": next = at < 0 ? null : items.length - 1; break;
            case "Escape":
                if (isMenuOpen(menu)) {
                    e.preventDefault();
                    e.stopPropagation();
                    setMenuOpen(menu, false, "button");
                }
                return;
            default: return;
        }
        if (next === null) return;
        e.preventDefault();
        if (!isMenuOpen(menu)) setMenuOpen(menu, true);
        items[next].focus();
    });

    // Focus leaving the menu (Tab past its last item, a click elsewhere) closes it.
    document.addEventListener("focusout", e => {
        const menu = menuOf(e.target);
        if (menu && isMenuOpen(menu) && !menu.contains(e.relatedTarget)) setMenuOpen(menu, false);
    });

    // A text area inside [data-enter-submits] (the reject dialog's reason): Enter clicks its dialog's [data-submit]
    // button, Shift+Enter is a new line as usual. Not while an input method is composing a character.
    document.addEventListener("keydown", e => {
        if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.ctrlKey || e.metaKey || e.altKey) return;
        if (!e.target || e.target.tagName !== "TEXTAREA" || !e.target.closest("[data-enter-submits]")) return;
        const dialog = e.target.closest(".mud-dialog, form, [role=dialog]");
        const submit = dialog && dialog.querySelector("[data-submit]");
        if (!submit) return;
        e.preventDefault();
        submit.click();
    });

    // A list whose rows open a page (the tickets list): the row's link carries data-return-to, the list's own address
    // with that row highlighted. Pressing the row (or Enter on its link) puts that address in place of the list's
    // history entry, so Back returns to the list on the opened row; a click anywhere on the row opens it, as the link
    // does. All in the browser: no round trip that a busy circuit or a refreshing table could lose.
    const openingLink = target => {
        const row = target && target.closest && target.closest("tr");
        return row && row.querySelector("a[data-return-to]");
    };
    const markOpened = link => {
        if (link && location.href !== link.dataset.returnTo) history.replaceState(history.state, "", link.dataset.returnTo);
    };
    document.addEventListener("pointerdown", e => { if (e.button === 0) markOpened(openingLink(e.target)); }, true);
    document.addEventListener("keydown", e => { if (e.key === "Enter") markOpened(openingLink(e.target)); }, true);
    document.addEventListener("click", e => {
        const link = openingLink(e.target);
        if (!link || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
        if (e.target.closest("a, button, input, select, textarea, label, [role=button]")) return;
        markOpened(link);
        Blazor.navigateTo(link.getAttribute("href"));
    });

    // A page brought back from the back-forward cache after sign-out would show a console nobody is signed in to:
    // ask the server again (it answers the sign-in page). Pages are sent with no-store, so this is the rare case.
    window.addEventListener("pageshow", e => { if (e.persisted) location.reload(); });

    let pending = "";
    let pendingTimer = 0;

    function isTyping(target) {
        const tag = (target && target.tagName) || "";
        return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || !!(target && target.isContentEditable)
            || !!(target && target.closest && target.closest("[role=textbox], [role=combobox], [role=searchbox]"));
    }

    let pageKeys = null;

    document.addEventListener("keydown", e => {
        if (!pageKeys || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || pending === "g") return;
        if (document.querySelector(".mud-dialog-container")) return;
        // Enter on a focused link or button is that control's own; the page's Enter is for its highlighted row.
        if (e.key === "Enter" && e.target.closest && e.target.closest("a, button, [role=button], [role=option], [role=menuitem]")) return;
        if (pageKeys.keys.includes(e.key)) {
            e.preventDefault();
            // The row highlighted on screen as the key went down: the page acts only if that is still its cursor's row.
            const highlighted = document.querySelector("[data-cursor]");
            pageKeys.dotnet.invokeMethodAsync("OnPageKey", e.key, highlighted ? highlighted.dataset.cursor : null).catch(() => { });
        }
    });

    window.opsConsole = {
        // A page's own single-key shortcuts (j/k/a/r on the approval page); one page at a time.
        registerPageKeys(dotnet, keys) { pageKeys = { dotnet, keys }; },
        unregisterPageKeys() { pageKeys = null; },
        scrollIntoView(selector) {
            const el = document.querySelector(selector);
            if (el) el.scrollIntoView({ block: "nearest" });
        },
        // The missing-data heatmap: drag across cells to select a rectangle (painted here, without a round trip per
        // cell), a plain click opens the cell. .NET gets the selection once, on mouse-up.
        heatmap(table, dotnet) {
            if (!table) return;
            // A new grid (another range or branch): the first cell is the tab stop unless one of the new cells already is.
            const first = table.querySelector("td[data-c]");
            if (first && !table.querySelector('td[data-c][tabindex="0"]')) first.tabIndex = 0;
            if (table._opsHeatmap) return;
            table._opsHeatmap = true;
            let start = null, last = null;
            const cellOf = e => e.target.closest("td[data-c]");
            const key = td => td.dataset.c.split(":").map(Number);
            const paint = () => {
                table.querySelectorAll("td.is-dragging").forEach(td => td.classList.remove("is-dragging"));
                if (!start || !last) return;
                const [r1, d1] = key(start), [r2, d2] = key(last);
                for (const td of table.querySelectorAll("td[data-c]")) {
                    const [r, d] = key(td);
                    if (r >= Math.min(r1, r2) && r <= Math.max(r1, r2) && d >= Math.min(d1, d2) && d <= Math.max(d1, d2)) td.classList.add("is-dragging");
                }
            };
            table.addEventListener("mousedown", e => {
                const td = cellOf(e);
                if (!td || e.button !== 0) return;
                e.preventDefault();
                start = last = td;
            });
            table.addEventListener("mouseover", e => {
                const td = cellOf(e);
                if (!start || !td || td === last) return;
                last = td;
                paint();
            });
            // Keyboard: one cell is in the tab order (tabindex 0), arrow keys move that stop and the focus, Space and
            // Enter select (or open, for who may not select), "o" opens. Moving needs no round trip; a key that acts does.
            const cellAt = (r, d) => table.querySelector(`td[data-c="${r}:${d}"]`);
            table.addEventListener("keydown", e => {
                const td = cellOf(e);
                if (!td || e.ctrlKey || e.metaKey || e.altKey) return;
                const [r, d] = key(td);
                const lastDay = () => td.parentElement.querySelectorAll("td[data-c]").length - 1;
                let to = null;
                switch (e.key) {
                    case "ArrowRight": to = cellAt(r, d + 1); break;
                    case "ArrowLeft": to = cellAt(r, d - 1); break;
                    case "ArrowDown": to = cellAt(r + 1, d); break;
                    case "ArrowUp": to = cellAt(r - 1, d); break;
                    case "Home": to = cellAt(r, 0); break;
                    case "End": to = cellAt(r, lastDay()); break;
                    case " ": case "Enter": case "o":
                        e.preventDefault();
                        e.stopPropagation();
                        dotnet.invokeMethodAsync("OnCellKey", r, d, e.key === "o" ? "o" : "select").catch(() => { });
                        return;
                    default: return;
                }
                e.preventDefault();
                if (to) {
                    td.tabIndex = -1;
                    to.tabIndex = 0;
                    to.focus();
                }
            });
            table.addEventListener("focusin", e => {
                const td = cellOf(e);
                if (!td) return;
                table.querySelectorAll('td[data-c][tabindex="0"]').forEach(other => { if (other !== td) other.tabIndex = -1; });
                td.tabIndex = 0;
            });
            document.addEventListener("mouseup", () => {
                if (!start) return;
                const [r1, d1] = key(start), [r2, d2] = key(last);
                const single = start === last;
                start = last = null;
                paint();
                if (single) dotnet.invokeMethodAsync("OnCellClick", r1, d1).catch(() => { });
                else dotnet.invokeMethodAsync("OnCellsDragged", Math.min(r1, r2), Math.min(d1, d2), Math.max(r1, r2), Math.max(d1, d2)).catch(() => { });
            });
        },
        registerShortcuts(dotnet) {
            if (window.opsConsole._shortcuts) {
                document.removeEventListener("keydown", window.opsConsole._shortcuts);
            }
            const handler = e => {
                if (isTyping(e.target)) {
                    // "g" outside a field, then typing in one: the letters typed are text, never the end of a sequence.
                    pending = "";
                    return;
                }
                if (e.ctrlKey || e.metaKey || e.altKey) return;
                if (document.querySelector(".mud-dialog-container") && e.key !== "?") return;
                let shortcut = null;
                if (pending === "g") {
                    shortcut = "g " + e.key;
                    pending = "";
                } else if (e.key === "g") {
                    pending = "g";
                    clearTimeout(pendingTimer);
                    pendingTimer = setTimeout(() => pending = "", 2000);
                    return;
                } else if (e.key === "?" || e.key === "t") {
                    shortcut = e.key;
                }
                if (shortcut) {
                    e.preventDefault();
                    dotnet.invokeMethodAsync("OnShortcut", shortcut).catch(() => { });
                }
            };
            window.opsConsole._shortcuts = handler;
            document.addEventListener("keydown", handler);
            // The layout calls this once its circuit is interactive; tests and people can rely on it.
            document.documentElement.dataset.circuit = "live";
        },
    };

    watchReconnect();
})();
