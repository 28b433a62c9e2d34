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

    let pending = "";
    let pendingTimer = 0;

    function isTyping(target) {
        const tag = (target && target.tagName) || "";
        return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
    }

    let pageKeys = null;

    document.addEventListener("keydown", e => {
        if (!pageKeys || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || pending === "g") return;
        if (document.querySelector(".mud-dialog-container")) return;
        if (pageKeys.keys.includes(e.key)) {
            e.preventDefault();
            pageKeys.dotnet.invokeMethodAsync("OnPageKey", e.key).catch(() => { });
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
            if (!table || table._opsHeatmap) return;
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
                if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
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
