namespace Glint.Execution;

/// <summary>
/// The free slots of one executor. A task taking k slots (a fused stage's wide task) waits until k are free, and
/// while it waits no one-slot task takes a slot that frees up, so it cannot starve behind a stream of small tasks.
/// Each slot's worker enters before it runs a task and leaves after, so an idle slot holds nothing.
/// </summary>
internal sealed class SlotGate
{
    private readonly object gate = new();
    private int capacity;
    private int free;
    private int wideWaiting;

    /// <summary>A slot joined the executor.</summary>
    public void AddSlot()
    {
        lock (gate)
        {
            capacity++;
            free++;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Takes <paramref name="slots"/> slots (at most the executor's), waiting for them; returns how many it took.</summary>
    public int Enter(int slots, CancellationToken cancellation)
    {
        lock (gate)
        {
            var wanted = Math.Clamp(slots, 1, Math.Max(1, capacity));
            if (wanted > 1) wideWaiting++;
            try
            {
                while (free < wanted || (wanted == 1 && wideWaiting > 0))
                {
                    cancellation.ThrowIfCancellationRequested();
                    Monitor.Wait(gate, 50);
                }
                free -= wanted;
                return wanted;
            }
            finally
            {
                if (wanted > 1) wideWaiting--;
            }
        }
    }

    /// <summary>Gives back slots a finished task took.</summary>
    public void Leave(int slots)
    {
        lock (gate)
        {
            free += slots;
            Monitor.PulseAll(gate);
        }
    }
}
