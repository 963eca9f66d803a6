package espgw.linux.host;

/**
 * One journal entry that undo dealt with: reversed now, or found already gone (removed by hand,
 * with its link, or never made because the process died between journaling and applying it).
 */
public record UndoneChange(String description, boolean wasPresent) {
    @Override
    public String toString() {
        return (wasPresent ? "undone: " : "already gone: ") + description;
    }
}
